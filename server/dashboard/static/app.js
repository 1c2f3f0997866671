// The committee dashboard: a thin page over /api/* (server/dashboard/).
// Every figure comes from the server's admin commands; the page only lays
// them out. No innerHTML with data: elements are built with h().
"use strict";

let lang = localStorage.getItem("wardsync-dash-lang") || "vi";
let session = null;       // {user, role, wards, csrf}
const TZ = "Asia/Ho_Chi_Minh";

function t(key) { return (MESSAGES[lang] && MESSAGES[lang][key]) || MESSAGES.vi[key] || key; }

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

function when(iso) {
  if (!iso) return t("never");
  const d = new Date(iso);
  if (isNaN(d)) return iso;
  return new Intl.DateTimeFormat(lang === "vi" ? "vi-VN" : "en-GB",
    { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }).format(d);
}

function valueText(v) {
  if (v === null || v === undefined || v === "") return t("empty");
  if (Array.isArray(v)) return v.map(valueText).join(", ");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

// A field's value as its user reads it: the choice's label, a date as dd/mm/yyyy.
function fieldValue(cat, field, v) {
  if (cat && cat.types[field] === "DATE" && typeof v === "string") {
    const m = v.match(/^(\d{4})-(\d\d)-(\d\d)$/);
    if (m) return m[3] + "/" + m[2] + "/" + m[1];
  }
  return valueText(choiceLabel(cat, field, v));
}

function flash(text) {
  const f = document.getElementById("flash");
  f.textContent = text;
  setTimeout(() => { if (f.textContent === text) f.textContent = ""; }, 4000);
}

class ApiError extends Error { constructor(status, message) { super(message); this.status = status; } }

async function api(path, body) {
  const opts = { credentials: "same-origin", headers: {} };
  if (body !== undefined) {
    opts.method = "POST";
    opts.headers["Content-Type"] = "application/json";
    if (session) opts.headers["X-CSRF-Token"] = session.csrf;
    opts.body = JSON.stringify(body);
  }
  const res = await fetch(path, opts);
  const data = await res.json().catch(() => ({}));
  if (res.status === 401 && path !== "/api/login") { showLogin(); throw new ApiError(401, data.error || "401"); }
  if (!res.ok) throw new ApiError(res.status, data.error || ("HTTP " + res.status));
  return data;
}

// ---- the forms' own words ----
// Titles, field labels and choice labels from the published form
// definitions (/api/forms), so pages show Vietnamese, not ASCII ids.
let catalogPromise = null;
function catalog() {
  if (!catalogPromise) {
    catalogPromise = Promise.all([api("/api/forms"), api("/api/wards")]).then(([forms, wards]) => {
      const c = { forms, titles: {}, fields: {}, choices: {}, types: {}, wards: {} };
      for (const w of wards) c.wards[w.id] = w.name || w.id;
      const addFields = (defs) => {
        for (const f of defs || []) {
          if (!(f.name in c.fields)) c.fields[f.name] = f.label || f.name;
          if (!(f.name in c.types)) c.types[f.name] = f.type;
          if (f.choices) c.choices[f.name] = Object.assign({}, ...f.choices.map((x) => ({ [x.value]: x.label })), c.choices[f.name]);
          addFields(f.fields);
        }
      };
      // Newest version first: its words win.
      for (const f of [...forms].sort((a, b) => b.version - a.version)) {
        if (!(f.id in c.titles)) c.titles[f.id] = f.title || f.id;
        addFields(f.field_defs);
      }
      return c;
    }).catch((e) => { catalogPromise = null; throw e; });
  }
  return catalogPromise;
}
function formTitle(cat, id) { return (cat && cat.titles[id]) || id; }
function wardName(cat, id) { return (cat && cat.wards[id]) || id; }
function fieldLabel(cat, name) { return (cat && cat.fields[name]) || name; }
function choiceLabel(cat, field, value) {
  const c = cat && cat.choices[field];
  return c && typeof value === "string" && c[value] ? c[value] : value;
}
function fieldDefsOf(cat, formId) {
  const f = cat.forms.filter((x) => x.id === formId).sort((a, b) => b.version - a.version)[0];
  return f ? f.field_defs || [] : [];
}

// ---- login ----
function applyLang() {
  document.documentElement.lang = lang;
  document.title = "wardsync — " + t("title");
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  document.getElementById("lang").value = lang;
  document.getElementById("login-lang").value = lang;
}

function setLang(l) {
  lang = l;
  localStorage.setItem("wardsync-dash-lang", l);
  applyLang();
  if (session) { showWho(); route(); }
}

function showLogin() {
  session = null;
  catalogPromise = null;
  document.getElementById("app-view").hidden = true;
  document.getElementById("login-view").hidden = false;
}

async function login(ev) {
  ev.preventDefault();
  const f = ev.target;
  const err = document.getElementById("login-error");
  err.textContent = "";
  try {
    session = await api("/api/login", { username: f.username.value, password: f.password.value });
    f.password.value = "";
    startApp();
  } catch (e) {
    err.textContent = e.status === 401 ? t("wrong_login") : e.message;
  }
}

// Who is logged in, the role in the page's language and the wards by name.
function showWho() {
  const who = document.getElementById("who");
  const line = (cat) => session.user + " · " + t("role_" + session.role) +
    (session.wards.length ? " · " + session.wards.map((w) => wardName(cat, w)).join(", ") : "");
  who.textContent = line(null);
  if (session.wards.length) catalog().then((cat) => { if (session) who.textContent = line(cat); }).catch(() => {});
}

function startApp() {
  document.getElementById("login-view").hidden = true;
  document.getElementById("app-view").hidden = false;
  showWho();
  route();
}

// ---- router ----
const routes = [
  [/^#?\/?$/, overview], [/^#\/ward\/([^/?]+)$/, wardPage], [/^#\/records(\?.*)?$/, recordsPage],
  [/^#\/record\/([0-9a-f]{32})$/, recordPage], [/^#\/review$/, reviewPage], [/^#\/reports$/, reportsPage],
  [/^#\/exports$/, exportsPage], [/^#\/devices$/, devicesPage],
];

async function route() {
  if (!session) return;
  const hash = location.hash || "#/";
  const main = document.getElementById("main");
  for (const a of document.querySelectorAll("#nav a")) {
    const target = a.getAttribute("href");
    a.classList.toggle("on", target === "#/" ? hash === "#/" || hash.startsWith("#/ward") : hash.startsWith(target));
  }
  for (const [re, view] of routes) {
    const m = hash.match(re);
    if (!m) continue;
    main.replaceChildren(h("p", { class: "muted" }, t("loading")));
    try {
      const content = await view(...m.slice(1));
      main.replaceChildren(...[content].flat(Infinity).filter((x) => x !== null && x !== undefined && x !== false));
    } catch (e) {
      if (e.status !== 401) main.replaceChildren(h("p", { class: "error", role: "alert" }, e.message));
    }
    return;
  }
  location.hash = "#/";
}

// ---- overview ----
const DAY_MS = 24 * 3600 * 1000;

function wardFlags(w, devs) {
  const flags = [];
  const live = devs.filter((d) => !d.revoked);
  const newest = Math.max(0, ...live.map((d) => d.last_contact ? Date.parse(d.last_contact) : 0));
  if (live.length && Date.now() - newest > DAY_MS) flags.push(h("span", { class: "flag warn", "data-flag": "quiet" }, t("quiet")));
  if (devs.some((d) => d.clock_off)) flags.push(h("span", { class: "flag warn", "data-flag": "clock" }, t("clock_off")));
  if (devs.some((d) => d.revoked || d.draining)) flags.push(h("span", { class: "flag", "data-flag": "blocked" }, t("blocked")));
  return flags;
}

function formCounts(records, cat) {
  const parts = Object.entries(records || {}).map(([form, c]) => formTitle(cat, form) + ": " + c.live);
  return parts.length ? parts.join(", ") : "—";
}

async function overview() {
  const [data, cat] = await Promise.all([api("/api/overview"), catalog()]);
  const byWard = {};
  for (const d of data.devices) (byWard[d.ward] = byWard[d.ward] || []).push(d);
  const cols = ["ward", "devices", "last_contact", "unsent", "records_per_form", "open_conflicts", "rejected", "flags"];
  const rows = data.report.wards.map((w) => {
    const devs = byWard[w.ward] || [];
    const newest = devs.map((d) => d.last_contact).filter(Boolean).sort().pop();
    const unsent = devs.filter((d) => d.queue_depth > 0).map((d) => (d.label || d.id.slice(0, 8)) + ": " + d.queue_depth);
    const cells = [
      h("span", {}, h("a", { href: "#/ward/" + encodeURIComponent(w.ward) }, w.name || w.ward), h("br"), h("small", { class: "muted" }, w.ward)),
      devs.length, when(newest), unsent.length ? unsent.join(", ") : "0", formCounts(w.records, cat),
      w.open_conflicts, w.rejected_changes, wardFlags(w, devs),
    ];
    return h("tr", { "data-ward": w.ward, class: "click", onclick: (e) => { if (e.target.tagName !== "A") location.hash = "#/ward/" + encodeURIComponent(w.ward); } },
      cells.map((c, i) => h("td", { "data-label": t(cols[i]), class: [1, 5, 6].includes(i) ? "num" : null }, c)));
  });
  return [
    h("h1", {}, t("overview")),
    h("div", { class: "scroll" }, h("table", { id: "wards", class: "stack" },
      h("thead", {}, h("tr", {}, cols.map((c, i) => h("th", { class: [1, 5, 6].includes(i) ? "num" : null }, t(c))))),
      h("tbody", {}, rows))),
  ];
}

// ---- ward page ----
async function wardPage(wardId) {
  const ward = decodeURIComponent(wardId);
  const [data, cat] = await Promise.all([api("/api/overview"), catalog()]);
  const w = data.report.wards.find((x) => x.ward === ward);
  if (!w) throw new ApiError(404, ward);
  const devs = data.devices.filter((d) => d.ward === ward);
  return [
    h("p", {}, h("a", { href: "#/" }, "← " + t("back"))),
    h("h1", {}, w.name || wardName(cat, ward)),
    h("div", { class: "card" }, h("dl", { class: "kv" },
      h("dt", {}, t("records_per_form")), h("dd", {}, formCounts(w.records, cat)),
      h("dt", {}, t("open_conflicts")), h("dd", {}, w.open_conflicts),
      h("dt", {}, t("rejected")), h("dd", {}, w.rejected_changes),
      h("dt", {}, t("flags")), h("dd", {}, wardFlags(w, devs).length ? wardFlags(w, devs) : t("status_ok")))),
    h("p", {}, h("a", { href: "#/records?ward=" + encodeURIComponent(ward) }, t("records") + " →"), " ",
      h("a", { href: "#/review" }, t("review") + " →")),
    h("h2", {}, t("devices")),
    deviceTable(devs, false, cat),
  ];
}

// ---- records browser and history ----
async function recordsPage(query) {
  const q = new URLSearchParams((query || "").slice(1));
  const [cat, overviewData] = await Promise.all([catalog(), api("/api/overview")]);
  const params = new URLSearchParams();
  if (q.get("ward")) params.set("ward", q.get("ward"));
  if (q.get("form")) params.set("form", q.get("form"));
  let records = await api("/api/records?" + params.toString());
  if (q.get("conflict")) records = records.filter((r) => r.open_conflicts > 0);
  if (q.get("from")) {
    const from = Date.parse(q.get("from") + "T00:00:00+07:00");
    records = records.filter((r) => r.last_change && Date.parse(r.last_change.time) >= from);
  }
  const wardSel = h("select", { name: "ward" }, h("option", { value: "" }, t("all")),
    overviewData.report.wards.map((w) => h("option", { value: w.ward, selected: q.get("ward") === w.ward }, w.name || w.ward)));
  const formSel = h("select", { name: "form" }, h("option", { value: "" }, t("all")),
    Object.keys(cat.titles).sort().map((id) => h("option", { value: id, selected: q.get("form") === id }, formTitle(cat, id))));
  const from = h("input", { type: "date", name: "from", value: q.get("from") || "" });
  const only = h("input", { type: "checkbox", name: "conflict", checked: !!q.get("conflict") });
  const filter = h("form", { class: "filters card", onsubmit: (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    if (wardSel.value) p.set("ward", wardSel.value);
    if (formSel.value) p.set("form", formSel.value);
    if (from.value) p.set("from", from.value);
    if (only.checked) p.set("conflict", "1");
    location.hash = "#/records?" + p.toString();
  } },
  h("label", {}, t("ward"), wardSel), h("label", {}, t("form"), formSel), h("label", {}, t("date_from"), from),
  h("label", { class: "check" }, only, t("only_conflicts")), h("button", { type: "submit" }, t("show")));
  const cols = ["record", "form", "ward", "last_change", "review_state", "open_conflicts"];
  const rows = records.map((r) => h("tr", { "data-record": r.id },
    h("td", { "data-label": t("record") }, h("a", { href: "#/record/" + r.id }, r.id.slice(0, 12) + "…"), r.deleted ? " (" + t("deleted") + ")" : ""),
    h("td", { "data-label": t("form") }, formTitle(cat, r.form)), h("td", { "data-label": t("ward") }, wardName(cat, r.ward)),
    h("td", { "data-label": t("last_change") }, r.last_change ? when(r.last_change.time) : ""),
    h("td", { "data-label": t("review_state") }, reviewBadge(r.review)),
    h("td", { "data-label": t("open_conflicts"), class: "num" }, r.open_conflicts)));
  return [h("h1", {}, t("records")), filter, h("p", { class: "muted" }, t("count") + ": " + records.length),
    h("div", { class: "scroll" }, h("table", { id: "records", class: "stack" },
      h("thead", {}, h("tr", {}, cols.map((c) => h("th", {}, t(c))))), h("tbody", {}, rows)))];
}

// ---- review of submissions ----
function reviewBadge(review) {
  const st = (review && review.status) || "received";
  return h("span", { class: "flag " + (st === "approved" ? "ok" : st === "needs-correction" ? "" : "warn"), "data-review": st }, t("rv_" + st));
}

function commentThread(comments) {
  if (!comments || !comments.length) return h("p", { class: "muted" }, t("no_comments"));
  return h("ol", { class: "thread", id: "review-comments" }, comments.map((c) => h("li", { "data-review": c.status },
    h("div", {}, reviewBadge(c), " ", h("strong", {}, c.by.officer), " · ", h("small", { class: "muted" }, when(c.by.time))),
    c.text ? h("p", { class: "comment" }, c.text) : null,
    c.stale ? h("p", { class: "muted" }, t("stale_review")) : null)));
}

// A reviewer marks the record approved or sends it back with a comment: a
// signed change of the server's chain, pulled by the ward's devices.
function reviewForm(hist) {
  const state = h("select", { name: "state" }, ["approved", "needs-correction", "received"].map((st) =>
    h("option", { value: st }, t("rv_" + st))));
  const comment = h("textarea", { name: "comment", rows: 2, placeholder: t("review_comment") });
  const err = h("p", { class: "error", role: "alert" });
  return h("form", { class: "row", id: "review-form", onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = "";
    if (state.value === "needs-correction" && !comment.value.trim()) { err.textContent = t("comment_required"); return; }
    try {
      await api("/api/records/" + hist.record + "/review", { state: state.value, comment: comment.value.trim() });
      flash(t("reviewed"));
      route();
    } catch (e) { err.textContent = e.message; }
  } }, h("label", {}, t("review_state"), state), comment, h("button", { type: "submit" }, t("save_review")), err);
}

async function recordPage(id) {
  const [hist, cat] = await Promise.all([api("/api/records/" + id + "/history"), catalog()]);
  const rows = hist.changes.map((c) => h("tr", { "data-log-seq": c.log_seq },
    h("td", { "data-label": t("time") }, when(c.time), h("br"), h("small", { class: "muted" }, t("received") + " " + when(c.received))),
    h("td", { "data-label": t("device") }, c.device, h("br"), h("small", { class: "muted" }, c.officer)),
    h("td", { "data-label": t("change") }, t("op_" + c.op)),
    h("td", { "data-label": t("field") }, (c.fields || []).map((f) => h("div", {}, fieldLabel(cat, f.field) + ": " + valueText(f.before) + " → " + valueText(f.after))),
      c.review ? h("div", { "data-event": "review" }, t("review_state") + ": " + t("rv_" + c.review.before) + " → " + t("rv_" + c.review.after),
        c.review.comment ? h("div", { class: "comment" }, c.review.comment) : null) : null),
    h("td", { "data-label": t("reason") }, c.reason || "",
      [["conflicts_opened", "conflict_opened"], ["conflicts_joined", "conflict_joined"], ["conflicts_resolved", "conflict_resolved"]]
        .flatMap(([key, label]) => (c[key] || []).map((id) => h("div", { class: "muted", "data-event": key }, t(label) + ": " + id))))));
  return [
    h("p", {}, h("a", { href: "#/records?ward=" + encodeURIComponent(hist.ward) }, "← " + t("records"))),
    h("h1", {}, t("history") + " · " + formTitle(cat, hist.form) + " · " + wardName(cat, hist.ward)),
    h("p", { class: "muted code" }, hist.record),
    h("section", { class: "card", id: "review" }, h("h2", {}, t("review_of_record"), " ", reviewBadge(hist.review)),
      commentThread(hist.comments),
      session.role !== "viewer" ? reviewForm(hist) : h("p", { class: "muted" }, t("viewer_review_note"))),
    h("div", { class: "scroll" }, h("table", { id: "history", class: "stack" },
      h("thead", {}, h("tr", {}, ["time", "device", "change", "field", "reason"].map((c) => h("th", {}, t(c))))),
      h("tbody", {}, rows))),
  ];
}

// ---- review queue ----
// An input for a typed value of a field, as `resolve --set/--value` takes it
// (the server checks it against the form; the page only helps).
function valueInput(cat, field, current) {
  const type = cat.types[field];
  const cur = current === null || current === undefined ? "" : Array.isArray(current) ? current.join(",") : String(current);
  const attrs = { name: "set-" + field, "data-field": field, "data-initial": cur };
  const choices = cat.choices[field];
  if (type === "SINGLE_CHOICE" && choices) {
    return h("select", attrs, h("option", { value: "" }, t("empty")),
      Object.entries(choices).map(([v, label]) => h("option", { value: v, selected: v === cur }, label)));
  }
  if (type === "BOOLEAN") {
    return h("select", attrs, h("option", { value: "" }, t("empty")),
      h("option", { value: "true", selected: cur === "true" }, t("yes")), h("option", { value: "false", selected: cur === "false" }, t("no")));
  }
  const kind = { INTEGER: "number", DECIMAL: "number", DATE: "date", TIME: "time" }[type] || "text";
  return h("input", Object.assign(attrs, { type: kind, step: type === "DECIMAL" ? "any" : null, value: cur }));
}

function candidateCard(c, k, cat, canResolve) {
  return h("label", { class: "cand" },
    canResolve && c.kind === "values" ? h("input", { type: "radio", name: "pick-" + c.id, value: k.number }) : null,
    h("span", {}, h("span", { class: "value" }, k.action ? t(k.action) : valueText(choiceLabel(cat, c.field, k.value))), h("br"),
      h("small", {}, t("officer") + ": " + (k.officer || "—") + " · " + t("device") + ": " + k.device), h("br"),
      h("small", { class: "muted" }, t("made") + " " + when(k.time) + " · " + t("received") + " " + when(k.received))));
}

// One record of a duplicate pair: its values in the form's order (the
// unique-key fields marked), who made it and when.
function duplicateSide(c, cat, rec, mine) {
  const id = mine ? c.record : c.duplicate_of;
  const head = h("h3", {}, t(mine ? "dup_this" : "dup_other"), " · ", h("a", { href: "#/record/" + id }, id.slice(0, 12) + "…"));
  if (!rec) return h("div", { class: "dup-rec", "data-record": id }, head, h("p", { class: "muted" }, t("dup_gone")));
  const key = new Set((c.unique_key || "").split(", ").map((p) => p.split("=")[0]));
  const made = rec.created || {};
  const defs = fieldDefsOf(cat, rec.form).filter((f) => f.name in rec.fields);
  return h("div", { class: "dup-rec", "data-record": id, "data-side": mine ? "this" : "other" }, head,
    h("p", { class: "muted" }, t("sent_by") + " " + (made.officer || "—") + " · " + t("device") + ": " + (made.device || "—"), h("br"),
      t("made") + " " + when(made.time) + " · " + t("received") + " " + when(made.received)),
    h("dl", { class: "kv" }, defs.flatMap((f) => [
      h("dt", { class: key.has(f.name) ? "key" : null }, fieldLabel(cat, f.name)),
      h("dd", { class: key.has(f.name) ? "key" : null, "data-field": f.name }, fieldValue(cat, f.name, rec.fields[f.name]))])));
}

// One open conflict and, for a reviewer, its decision: a candidate or a new
// value (competing values), the rule's fields set so it holds (broken rule),
// dismissing the rejected change or applying its values (rejected change),
// keeping both records or deleting this copy (duplicate). Every decision
// goes to the one resolution path (`resolve`, common/resolution).
// recs: the records of the duplicates' forms and wards, by id.
function conflictCard(c, cat, recs) {
  const canResolve = session.role !== "viewer";
  const kind = "kind_" + c.kind;
  const reason = h("textarea", { name: "reason", rows: 2, required: true, placeholder: t("reason") });
  const err = h("p", { class: "error", role: "alert" });
  let other = null;
  const body = [];
  if (c.kind === "values") {
    body.push(h("div", { class: "candidates" }, (c.candidates || []).map((k) => candidateCard(c, k, cat, canResolve))));
    if (canResolve && c.field) {
      other = valueInput(cat, c.field, null);
      body.push(h("label", { class: "cand other" }, h("input", { type: "radio", name: "pick-" + c.id, value: "other" }),
        h("span", {}, t("other_value")), other));
    }
  } else if (c.kind === "rule") {
    body.push(h("div", { class: "sets" }, (c.fields || []).map((f) =>
      h("label", {}, fieldLabel(cat, f), canResolve ? valueInput(cat, f, (c.values || {})[f]) : valueText((c.values || {})[f])))));
  } else if (c.kind === "duplicate") {
    body.push(h("p", {}, t("dup_explain")));
    body.push(h("div", { class: "dup-pair" }, duplicateSide(c, cat, recs[c.record], true), duplicateSide(c, cat, recs[c.duplicate_of], false)));
  } else {
    const sets = (c.rejected_change && c.rejected_change.sets) || [];
    const by = c.rejected_change || {};
    body.push(h("p", { class: "muted" }, t("sent_by") + " " + (by.officer || "—") + " · " + t("device") + ": " + (by.device || "—") + " · " + when(by.time)));
    body.push(h("div", { class: "sets" }, sets.map((fs) =>
      h("label", {}, fieldLabel(cat, fs.field), canResolve && !c.placeholder ? valueInput(cat, fs.field, fs.value) : valueText(choiceLabel(cat, fs.field, fs.value))))));
  }
  const submit = async (ev) => {
    ev.preventDefault();
    err.textContent = "";
    if (!reason.value.trim()) { err.textContent = t("reason_required"); return; }
    const req = { reason: reason.value.trim() };
    const action = ev.submitter ? ev.submitter.value : "";
    const changed = () => Object.fromEntries([...ev.target.querySelectorAll("[data-field]")]
      .filter((el) => el.value !== el.dataset.initial).map((el) => [el.dataset.field, el.value]));
    if (c.kind === "values") {
      const picked = ev.target.querySelector("input[type=radio]:checked");
      if (!picked) { err.textContent = t("pick"); return; }
      if (picked.value === "other") req.value = other.value; else req.pick = picked.value;
    } else if (action === "dismiss") {
      req.dismiss = true;
    } else if (action === "delete") {
      req.delete = true;
    } else {
      req.set = c.kind === "rule" ? changed()
        : Object.fromEntries([...ev.target.querySelectorAll("[data-field]")].map((el) => [el.dataset.field, el.value]));
      if (!Object.keys(req.set).length) { err.textContent = t("change_a_value"); return; }
    }
    try {
      await api("/api/conflicts/" + encodeURIComponent(c.id) + "/resolve", req);
      flash(t("resolved"));
      route();
    } catch (e) { err.textContent = e.message; }
  };
  const buttons = c.kind === "values" ? [h("button", { type: "submit", value: "pick" }, t("resolve"))]
    : c.kind === "rule" ? [h("button", { type: "submit", value: "set" }, t("apply_values"))]
    : c.kind === "duplicate" ? [h("button", { type: "submit", value: "dismiss", class: "secondary" }, t("dup_keep_both")),
       h("button", { type: "submit", value: "delete" }, t("dup_delete"))]
    : [h("button", { type: "submit", value: "dismiss", class: c.placeholder ? null : "secondary" }, t("dismiss")),
       c.placeholder ? null : h("button", { type: "submit", value: "set" }, t("apply_values"))];
  return h("form", { class: "card conflict", "data-conflict-id": c.id, "data-kind": c.kind, onsubmit: submit },
    h("strong", {}, t(kind)), " · ", h("a", { href: "#/record/" + c.record }, formTitle(cat, c.form) + " · " + wardName(cat, c.ward)),
    c.field ? " · " + t("field") + ": " + fieldLabel(cat, c.field) : "",
    c.problem && c.kind !== "duplicate" ? problemLine(c) : null,
    c.kind === "values" && c.base !== undefined ? h("p", { class: "muted" }, t("base") + ": " + valueText(choiceLabel(cat, c.field, c.base))) : null,
    body,
    canResolve ? h("div", { class: "row" }, reason, buttons) : h("p", { class: "muted" }, t("viewer_note")),
    err);
}

// A broken rule reads "EXPR (LABEL)": the form's own words are shown, the
// expression kept as the tooltip.
function problemLine(c) {
  const m = c.kind === "rule" && c.problem.match(/^(.*) \((.+)\)$/);
  return h("p", { title: m ? m[1] : null }, t("problem") + ": " + (m ? m[2] : c.problem));
}

async function reviewPage() {
  const [list, cat] = await Promise.all([api("/api/conflicts"), catalog()]);
  // Both records of each duplicate, side by side: one request per form and ward.
  const pairs = [...new Set(list.filter((c) => c.kind === "duplicate").map((c) => JSON.stringify([c.ward, c.form])))];
  const recs = {};
  for (const lists of await Promise.all(pairs.map((p) => {
    const [ward, form] = JSON.parse(p);
    return api("/api/records?" + new URLSearchParams({ ward, form }).toString());
  }))) for (const r of lists) recs[r.id] = r;
  return [h("h1", {}, t("review")), list.length ? list.map((c) => conflictCard(c, cat, recs)) : h("p", { class: "card" }, t("no_conflicts"))];
}

// ---- reports ----
// A bar chart drawn as SVG by the page: [{label, value (0..1)}].
function barChart(title, items) {
  const NS = "http://www.w3.org/2000/svg";
  const s = (tag, attrs, text) => {
    const el = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    if (text !== undefined) el.textContent = text;
    return el;
  };
  // A phone gets a narrower drawing with each label above its bar, so the
  // text stays readable once scaled to the screen.
  const narrow = window.innerWidth < 600;
  const rowH = narrow ? 40 : 26, left = narrow ? 4 : 170, width = narrow ? 240 : 700, top = narrow ? 16 : 0;
  const svg = s("svg", { class: "chart", viewBox: `0 0 ${width + left + 60} ${items.length * rowH + 20}`, role: "img", "aria-label": title });
  items.forEach((it, i) => {
    const y = 10 + i * rowH;
    svg.append(narrow ? s("text", { x: left, y: y + 10 }, it.label) : s("text", { x: left - 8, y: y + 15, "text-anchor": "end" }, it.label));
    svg.append(s("rect", { class: "bar", x: left, y: y + 3 + top, width: Math.max(1, it.value * width), height: 18 }));
    svg.append(s("text", { x: left + it.value * width + 6, y: y + 15 + top }, (it.value * 100).toFixed(1) + " %"));
  });
  svg.append(s("line", { class: "axis", x1: left, x2: left, y1: 5, y2: items.length * rowH + 15 }));
  return h("figure", { class: "card" }, h("figcaption", {}, title), svg);
}

// The report (`report --json`) laid out with words, never raw JSON keys: a
// key is named by the dashboard's report words (i18n.js, "rk_" + key), else
// by the label of the form field of that name, else by a form's title (the
// per-form counts); values of choice fields by their choice labels. Any
// section added to the report later still appears, under its key's words.
const SHARES = new Set(["share_agree", "turnout", "share"]);
// Members whose value is a choice of another field.
const CHOICE_OF = { checkpoint: "report_time", by_readiness: "readiness", by_status: "status" };
const HIDDEN = new Set(["overflow", "ward", "name"]);
// Members the report gives with their published label (`label`, or
// `<key>_label`): a row shows the label in their place, and no label column.
const LABELLED = ["area", "checkpoint", "level", "candidate", "readiness"];
const labelled = (x) => LABELLED.some((c) => c in x);
const labelOf = (x, c) => x[c + "_label"] || (c !== "readiness" && LABELLED.includes(c) ? x.label : "") || "";

function reportCtx(cat, wards) {
  const names = Object.fromEntries((wards || []).map((w) => [w.ward, w.name || w.ward]));
  const key = (k) => {
    const own = MESSAGES[lang]["rk_" + k];
    if (own) return own;
    if (lang === "vi" && cat.fields[k]) return cat.fields[k];
    if (cat.titles[k]) return cat.titles[k];
    return (MESSAGES.vi["rk_" + k]) || k.replace(/_/g, " ");
  };
  const value = (k, v) => {
    if (k === "ward") return names[v] || v;
    if (k === "form") return formTitle(cat, v);
    if (k === "role") return t("role_" + v);
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(v)) return when(v);
    return choiceLabel(cat, CHOICE_OF[k] || k, v);
  };
  return { cat, key, value };
}

function num(k, v) {
  if (v === null || v === undefined) return "—";
  if (SHARES.has(k)) return (v * 100).toFixed(1) + " %";
  if (/year$/.test(k)) return String(v);
  return new Intl.NumberFormat(lang === "vi" ? "vi-VN" : "en-GB").format(v);
}

// Lists a reader scans only when looking for one entry (the areas not yet
// reported or not checked: ~85 on election morning for the city) or that are long
// start folded: the count is shown, the rows one click away.
const FOLDED = new Set(["missing", "not_checked"]);
const folded = (k, v) => (FOLDED.has(k) && v.length > 3) || v.length > 40;

function render(ctx, v, k) {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number") return num(k, v);
  if (typeof v === "boolean") return t(v ? "yes" : "no");
  if (typeof v === "string") {
    if (k === "record" && /^[0-9a-f]{32}$/.test(v)) return h("a", { href: "#/record/" + v }, v.slice(0, 12) + "…");
    return String(ctx.value(k, v));
  }
  if (Array.isArray(v)) {
    if (!v.length) return t("none");
    if (v.every((x) => x && typeof x === "object" && !Array.isArray(x))) {
      const cols = [...new Set(v.flatMap((x) => Object.keys(x)))].filter((c) => c !== "overflow" && c !== "name")
        .filter((c) => !(v.some(labelled) && (c === "label" || c.endsWith("_label"))));
      const table = h("div", { class: "scroll" }, h("table", { class: "report stack", "data-key": k || "" },
        h("thead", {}, h("tr", {}, cols.map((c) => h("th", { "data-key": c }, ctx.key(c))))),
        h("tbody", {}, v.map((x) => h("tr", {}, cols.map((c) =>
          h("td", { class: typeof x[c] === "number" ? "num" : null, "data-label": ctx.key(c) },
            labelOf(x, c) || render(ctx, x[c], c))))))));
      if (!folded(k, v)) return table;
      return h("details", { class: "long-list", "data-key": k || "" },
        h("summary", {}, t("rows_n").replace("{n}", num("", v.length))), table);
    }
    return v.map((x) => render(ctx, x, k)).join(", ");
  }
  if (!Object.keys(v).length) return t("none");
  const choiceKeys = CHOICE_OF[k];  // an object keyed by choice values (by_readiness, by_status)
  const entries = Object.entries(v).filter(([x, y]) => !(HIDDEN.has(x) && (x !== "overflow" || !y)));
  return h("dl", { class: "kv" }, entries.flatMap(([x, y]) => [
    h("dt", { "data-key": x }, choiceKeys ? choiceLabel(ctx.cat, choiceKeys, x) : ctx.key(x)),
    h("dd", {}, render(ctx, y, x))]));
}

// The turnout chart: the share of voters who voted at each checkpoint of
// the report's `turnout.checkpoints`, in checkpoint order.
function turnoutChart(ctx, turnout, title) {
  const points = ((turnout && turnout.checkpoints) || []).filter((p) => typeof p.turnout === "number");
  if (!points.length) return null;
  const fig = barChart(title, points.map((p) => ({ label: ctx.value("checkpoint", p.checkpoint), value: p.turnout })));
  fig.dataset.chart = "turnout";
  return fig;
}

// The sections of one scope (a ward or the city): counts first, then each
// report section under its heading.
function reportSections(ctx, scope) {
  const out = [];
  const plain = {};
  for (const [k, v] of Object.entries(scope)) {
    if (HIDDEN.has(k)) continue;
    if (v && typeof v === "object" && !Array.isArray(v) && !["records"].includes(k)) continue;
    plain[k] = v;
  }
  out.push(render(ctx, plain));
  for (const [k, v] of Object.entries(scope)) {
    if (HIDDEN.has(k) || !v || typeof v !== "object" || Array.isArray(v) || k === "records") continue;
    out.push(h("section", { class: "sub", "data-section": k }, h("h3", {}, MESSAGES[lang]["sec_" + k] || ctx.key(k)), render(ctx, v, k)));
  }
  return out;
}

async function reportsPage() {
  const [r, cat] = await Promise.all([api("/api/report"), catalog()]);
  const ctx = reportCtx(cat, r.wards);
  const out = [h("h1", {}, t("reports"))];
  const total = r.total;
  const cands = total && total.voter_meetings && total.voter_meetings.candidates || [];
  const shared = cands.filter((c) => c.share_agree !== null && c.share_agree !== undefined);
  if (shared.length) out.push(barChart(t("chart_agree"), shared.map((c) => ({ label: c.label || c.candidate, value: c.share_agree }))));
  const chart = turnoutChart(ctx, total && total.turnout, t("chart_turnout"));
  out.push(chart || h("p", { class: "muted", id: "turnout-note" }, t("turnout_note")));
  if (total) out.push(h("section", { class: "card", id: "report-total" }, h("h2", {}, t("city_total")), reportSections(ctx, total)));
  for (const w of r.wards) {
    out.push(h("details", { class: "card", "data-ward": w.ward }, h("summary", {}, w.name || wardName(cat, w.ward)),
      turnoutChart(ctx, w.turnout, t("chart_turnout") + " · " + (w.name || w.ward)), reportSections(ctx, w)));
  }
  return out;
}

// ---- exports ----
async function exportsPage() {
  const cat = await catalog();
  const forms = cat.forms;
  const ids = [...new Set(forms.map((f) => f.id))];
  const wardSel = session.wards.length > 1
    ? h("select", { name: "ward" }, session.wards.map((w) => h("option", { value: w }, wardName(cat, w)))) : null;
  const link = (id, fmt) => h("a", { href: "#", "data-export": id + "." + fmt, onclick: (e) => {
    e.preventDefault();
    const p = new URLSearchParams({ form: id, format: fmt });
    if (wardSel) p.set("ward", wardSel.value);
    location.href = "/api/export?" + p.toString();
  } }, fmt.toUpperCase());
  return [h("h1", {}, t("exports")), h("p", { class: "muted" }, t("export_note")),
    wardSel ? h("label", {}, t("ward"), wardSel) : null,
    h("table", { id: "exports" }, h("tbody", {}, ids.map((id) => {
      const f = forms.find((x) => x.id === id);
      return h("tr", {}, h("td", {}, f.title || id, h("br"), h("small", { class: "muted" }, id)), h("td", {}, link(id, "csv")), h("td", {}, link(id, "json")));
    })))];
}

// ---- devices ----
function deviceTable(devs, withRevoke, cat) {
  const cols = ["device", "role", "last_contact", "queue", "skew", "flags"];
  return h("div", { class: "scroll" }, h("table", { id: "devices", class: "stack" },
    h("thead", {}, h("tr", {}, cols.map((c) => h("th", {}, t(c))), withRevoke ? h("th", {}, "") : null)),
    h("tbody", {}, devs.map((d) => h("tr", { "data-device": d.id },
      h("td", { "data-label": t("device") }, d.label || d.id.slice(0, 12), h("br"), h("small", { class: "muted" }, wardName(cat, d.ward) + " · " + d.id)),
      h("td", { "data-label": t("role") }, t("role_" + d.role)),
      h("td", { "data-label": t("last_contact") }, when(d.last_contact)),
      h("td", { "data-label": t("queue"), class: "num" }, d.queue_depth),
      h("td", { "data-label": t("skew"), class: "num" }, d.clock_skew_s),
      h("td", { "data-label": t("flags") }, d.revoked ? h("span", { class: "flag", title: d.revoked_reason || "" }, t("revoked") + (d.revoked_reason ? ": " + d.revoked_reason : "")) : null,
        d.clock_off ? h("span", { class: "flag warn" }, t("clock_off")) : null),
      withRevoke ? h("td", {}, d.revoked ? null : revokeForm(d)) : null)))));
}

function revokeForm(d) {
  const reason = h("input", { name: "reason", placeholder: t("revoke_reason"), required: true });
  return h("form", { class: "row", onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api("/api/devices/" + encodeURIComponent(d.id) + "/revoke", { reason: reason.value });
      flash(t("revoked_ok"));
      route();
    } catch (err) { flash(err.message); }
  } }, reason, h("button", { type: "submit", class: "secondary" }, t("revoke")));
}

// Codes made and not used yet, each with a button that cancels it.
function codesTable(codes, cat) {
  if (!codes.length) return h("p", { class: "muted", id: "no-codes" }, t("no_codes"));
  const cols = ["code_id", "ward", "role", "made", "expires", ""];
  return h("div", { class: "scroll" }, h("table", { id: "codes", class: "stack" },
    h("thead", {}, h("tr", {}, cols.map((c) => h("th", {}, c ? t(c) : "")))),
    h("tbody", {}, codes.map((c) => h("tr", { "data-code": c.id },
      h("td", { "data-label": t("code_id"), class: "code-id" }, c.id),
      h("td", { "data-label": t("ward") }, wardName(cat, c.ward)), h("td", { "data-label": t("role") }, t("role_" + c.role)),
      h("td", { "data-label": t("made") }, when(c.created)), h("td", { "data-label": t("expires") }, when(c.expires)),
      h("td", {}, h("button", { type: "button", class: "secondary", onclick: async () => {
        try {
          await api("/api/devices/codes/" + encodeURIComponent(c.id) + "/cancel", {});
          flash(t("code_cancelled"));
          route();
        } catch (err) { flash(err.message); }
      } }, t("cancel_code"))))))));
}

async function devicesPage() {
  const admin = session.role === "admin";
  const [devs, ov, codes, cat] = await Promise.all([api("/api/devices"), api("/api/overview"), admin ? api("/api/devices/codes") : [], catalog()]);
  const out = [h("h1", {}, t("devices"))];
  if (admin) {
    const ward = h("select", { name: "ward" }, ov.report.wards.map((w) => h("option", { value: w.ward }, w.name || wardName(cat, w.ward))));
    const role = h("select", { name: "role" }, ["officer", "reviewer", "admin"].map((r) => h("option", { value: r }, t("role_" + r))));
    const ttl = h("input", { name: "ttl_hours", type: "number", min: 1, max: 8760, value: 72 });
    const result = h("div", { id: "enroll-result" });
    out.push(h("form", { class: "card", id: "enroll-form", onsubmit: async (e) => {
      e.preventDefault();
      result.replaceChildren();
      try {
        const r = await api("/api/devices/enroll", { ward: ward.value, role: role.value, ttl_hours: ttl.value });
        const svg = new DOMParser().parseFromString(r.qr_svg, "image/svg+xml").documentElement;
        result.replaceChildren(
          h("p", {}, t("code_for") + " " + wardName(cat, r.enrollment.ward) + " · " + t("role_" + r.enrollment.role) + " · " + t("expires") + " " + when(new Date(r.enrollment.expires_ms).toISOString())),
          h("p", { id: "enroll-code", class: "code" }, r.enrollment.code), document.importNode(svg, true));
        codesBox.replaceChildren(codesTable(await api("/api/devices/codes"), cat));
      } catch (err) { result.replaceChildren(h("p", { class: "error" }, err.message)); }
    } }, h("h2", {}, t("enroll")), h("div", { class: "filters" }, h("label", {}, t("ward"), ward), h("label", {}, t("role"), role),
      h("label", {}, t("validity"), ttl), h("button", { type: "submit" }, t("make_code"))), result));
    const codesBox = h("div", {}, codesTable(codes, cat));
    out.push(h("section", { class: "card", id: "unused-codes" }, h("h2", {}, t("unused_codes")), codesBox));
  } else {
    out.push(h("p", { class: "muted" }, t("admin_only")));
  }
  out.push(deviceTable(devs, admin, cat));
  return out;
}

// ---- start ----
document.getElementById("login-form").addEventListener("submit", login);
document.getElementById("lang").addEventListener("change", (e) => setLang(e.target.value));
document.getElementById("login-lang").addEventListener("change", (e) => setLang(e.target.value));
document.getElementById("logout").addEventListener("click", async () => {
  try { await api("/api/logout", {}); } catch (e) { /* the session is gone either way */ }
  showLogin();
});
window.addEventListener("hashchange", route);
applyLang();
fetch("/api/session", { credentials: "same-origin" }).then(async (res) => {
  if (!res.ok) { showLogin(); return; }
  session = await res.json();
  startApp();
}).catch(showLogin);
