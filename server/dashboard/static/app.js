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
  if (session) route();
}

function showLogin() {
  session = null;
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

function startApp() {
  document.getElementById("login-view").hidden = true;
  document.getElementById("app-view").hidden = false;
  document.getElementById("who").textContent = session.user + " · " + session.role +
    (session.wards.length ? " · " + session.wards.join(", ") : "");
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

function formCounts(records) {
  const parts = Object.entries(records || {}).map(([form, c]) => form + ": " + c.live);
  return parts.length ? parts.join(", ") : "—";
}

async function overview() {
  const data = await api("/api/overview");
  const byWard = {};
  for (const d of data.devices) (byWard[d.ward] = byWard[d.ward] || []).push(d);
  const cols = ["ward", "devices", "last_contact", "unsent", "records_per_form", "open_conflicts", "rejected", "flags"];
  const rows = data.report.wards.map((w) => {
    const devs = byWard[w.ward] || [];
    const newest = devs.map((d) => d.last_contact).filter(Boolean).sort().pop();
    const unsent = devs.filter((d) => d.queue_depth > 0).map((d) => (d.label || d.id.slice(0, 8)) + ": " + d.queue_depth);
    const cells = [
      h("span", {}, h("a", { href: "#/ward/" + encodeURIComponent(w.ward) }, w.name || w.ward), h("br"), h("small", { class: "muted" }, w.ward)),
      devs.length, when(newest), unsent.length ? unsent.join(", ") : "0", formCounts(w.records),
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
  const data = await api("/api/overview");
  const w = data.report.wards.find((x) => x.ward === ward);
  if (!w) throw new ApiError(404, ward);
  const devs = data.devices.filter((d) => d.ward === ward);
  return [
    h("p", {}, h("a", { href: "#/" }, "← " + t("back"))),
    h("h1", {}, (w.name || ward) + " (" + ward + ")"),
    h("div", { class: "card" }, h("dl", { class: "kv" },
      h("dt", {}, t("records_per_form")), h("dd", {}, formCounts(w.records)),
      h("dt", {}, t("open_conflicts")), h("dd", {}, w.open_conflicts),
      h("dt", {}, t("rejected")), h("dd", {}, w.rejected_changes),
      h("dt", {}, t("flags")), h("dd", {}, wardFlags(w, devs).length ? wardFlags(w, devs) : t("status_ok")))),
    h("p", {}, h("a", { href: "#/records?ward=" + encodeURIComponent(ward) }, t("records") + " →"), " ",
      h("a", { href: "#/review" }, t("review") + " →")),
    h("h2", {}, t("devices")),
    deviceTable(devs, false),
  ];
}

// ---- records browser and history ----
async function recordsPage(query) {
  const q = new URLSearchParams((query || "").slice(1));
  const [forms, overviewData] = await Promise.all([api("/api/forms"), api("/api/overview")]);
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
    [...new Set(forms.map((f) => f.id))].map((id) => h("option", { value: id, selected: q.get("form") === id }, id)));
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
  const cols = ["record", "form", "ward", "last_change", "open_conflicts"];
  const rows = records.map((r) => h("tr", { "data-record": r.id },
    h("td", { "data-label": t("record") }, h("a", { href: "#/record/" + r.id }, r.id.slice(0, 12) + "…"), r.deleted ? " (" + t("deleted") + ")" : ""),
    h("td", { "data-label": t("form") }, r.form), h("td", { "data-label": t("ward") }, r.ward),
    h("td", { "data-label": t("last_change") }, r.last_change ? when(r.last_change.time) : ""),
    h("td", { "data-label": t("open_conflicts"), class: "num" }, r.open_conflicts)));
  return [h("h1", {}, t("records")), filter, h("p", { class: "muted" }, t("count") + ": " + records.length),
    h("div", { class: "scroll" }, h("table", { id: "records", class: "stack" },
      h("thead", {}, h("tr", {}, cols.map((c) => h("th", {}, t(c))))), h("tbody", {}, rows)))];
}

async function recordPage(id) {
  const hist = await api("/api/records/" + id + "/history");
  const rows = hist.changes.map((c) => h("tr", { "data-log-seq": c.log_seq },
    h("td", { "data-label": t("time") }, when(c.time), h("br"), h("small", { class: "muted" }, t("received") + " " + when(c.received))),
    h("td", { "data-label": t("device") }, c.device, h("br"), h("small", { class: "muted" }, c.officer)),
    h("td", { "data-label": t("change") }, c.op),
    h("td", { "data-label": t("field") }, (c.fields || []).map((f) => h("div", {}, f.field + ": " + valueText(f.before) + " → " + valueText(f.after)))),
    h("td", { "data-label": t("reason") }, c.reason || "",
      [["conflicts_opened", "conflict_opened"], ["conflicts_joined", "conflict_joined"], ["conflicts_resolved", "conflict_resolved"]]
        .flatMap(([key, label]) => (c[key] || []).map((id) => h("div", { class: "muted", "data-event": key }, t(label) + ": " + id))))));
  return [
    h("p", {}, h("a", { href: "#/records?ward=" + encodeURIComponent(hist.ward) }, "← " + t("records"))),
    h("h1", {}, t("history") + " · " + hist.form + " · " + hist.ward),
    h("p", { class: "muted code" }, hist.record),
    h("div", { class: "scroll" }, h("table", { id: "history", class: "stack" },
      h("thead", {}, h("tr", {}, ["time", "device", "change", "field", "reason"].map((c) => h("th", {}, t(c))))),
      h("tbody", {}, rows))),
  ];
}

// ---- review queue ----
function conflictCard(c) {
  const canResolve = session.role !== "viewer";
  const kind = c.kind === "values" ? "kind_values" : c.kind === "rule" ? "kind_rule" : "kind_rejected";
  const reason = h("textarea", { name: "reason", rows: 2, required: true, placeholder: t("reason") });
  const err = h("p", { class: "error", role: "alert" });
  const cands = (c.candidates || []).map((k) => h("label", { class: "cand" },
    canResolve && c.kind === "values" ? h("input", { type: "radio", name: "pick-" + c.id, value: k.number }) : null,
    h("span", {}, h("span", { class: "value" }, k.action ? t(k.action) : valueText(k.value)), h("br"),
      h("small", {}, t("officer") + ": " + (k.officer || "—") + " · " + t("device") + ": " + k.device), h("br"),
      h("small", { class: "muted" }, t("made") + " " + when(k.time) + " · " + t("received") + " " + when(k.received)))));
  const submit = async (ev) => {
    ev.preventDefault();
    err.textContent = "";
    if (!reason.value.trim()) { err.textContent = t("reason_required"); return; }
    const body = { reason: reason.value.trim() };
    if (c.kind === "values") {
      const picked = ev.target.querySelector("input[type=radio]:checked");
      if (!picked) { err.textContent = t("pick"); return; }
      body.pick = picked.value;
    } else {
      body.dismiss = true;
    }
    try {
      await api("/api/conflicts/" + encodeURIComponent(c.id) + "/resolve", body);
      flash(t("resolved"));
      route();
    } catch (e) { err.textContent = e.message; }
  };
  return h("form", { class: "card conflict", "data-conflict-id": c.id, onsubmit: submit },
    h("strong", {}, t(kind)), " · ", h("a", { href: "#/record/" + c.record }, c.form + " · " + c.ward),
    c.field ? " · " + t("field") + ": " + c.field : "",
    c.problem ? h("p", {}, t("problem") + ": " + c.problem) : null,
    c.kind === "values" && c.base !== undefined ? h("p", { class: "muted" }, t("base") + ": " + valueText(c.base)) : null,
    h("div", { class: "candidates" }, cands),
    canResolve && (c.kind === "values" || c.kind === "rejected")
      ? h("div", { class: "row" }, reason, h("button", { type: "submit" }, c.kind === "values" ? t("resolve") : t("dismiss")))
      : h("p", { class: "muted" }, canResolve ? "wardsync-server correct / resolve --set" : t("viewer_note")),
    err);
}

async function reviewPage() {
  const list = await api("/api/conflicts");
  return [h("h1", {}, t("review")), list.length ? list.map(conflictCard) : h("p", { class: "card" }, t("no_conflicts"))];
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
  const rowH = 26, left = 170, width = 700;
  const svg = s("svg", { class: "chart", viewBox: `0 0 ${width + left + 60} ${items.length * rowH + 20}`, role: "img", "aria-label": title });
  items.forEach((it, i) => {
    const y = 10 + i * rowH;
    svg.append(s("text", { x: left - 8, y: y + 15, "text-anchor": "end" }, it.label));
    svg.append(s("rect", { class: "bar", x: left, y: y + 3, width: Math.max(1, it.value * width), height: rowH - 8 }));
    svg.append(s("text", { x: left + it.value * width + 6, y: y + 15 }, (it.value * 100).toFixed(1) + " %"));
  });
  svg.append(s("line", { class: "axis", x1: left, x2: left, y1: 5, y2: items.length * rowH + 15 }));
  return h("figure", { class: "card" }, h("figcaption", {}, title), svg);
}

// Any JSON value as a table / list, so report sections added later appear.
function render(v) {
  if (v === null || v === undefined) return "—";
  if (Array.isArray(v)) {
    if (!v.length) return t("none");
    if (v.every((x) => x && typeof x === "object" && !Array.isArray(x))) {
      const cols = [...new Set(v.flatMap((x) => Object.keys(x)))];
      return h("div", { class: "scroll" }, h("table", {}, h("thead", {}, h("tr", {}, cols.map((c) => h("th", {}, c)))),
        h("tbody", {}, v.map((x) => h("tr", {}, cols.map((c) => h("td", { class: typeof x[c] === "number" ? "num" : null }, cell(x[c]))))))));
    }
    return v.map(valueText).join(", ");
  }
  if (typeof v === "object") {
    return h("dl", { class: "kv" }, Object.entries(v).flatMap(([k, x]) => [h("dt", {}, k), h("dd", {}, render(x))]));
  }
  return String(v);
}
function cell(x) {
  if (typeof x === "number" && !Number.isInteger(x)) return (x * (x <= 1 ? 100 : 1)).toFixed(1) + (x <= 1 ? " %" : "");
  return x && typeof x === "object" ? render(x) : render(x);
}

async function reportsPage() {
  const r = await api("/api/report");
  const out = [h("h1", {}, t("reports"))];
  const total = r.total;
  const cands = total && total.voter_meetings && total.voter_meetings.candidates || [];
  const shared = cands.filter((c) => c.share_agree !== null && c.share_agree !== undefined);
  if (shared.length) out.push(barChart(t("chart_agree"), shared.map((c) => ({ label: c.candidate, value: c.share_agree }))));
  const turnout = total && total.turnout;
  if (Array.isArray(turnout) && turnout.length && turnout[0].share !== undefined) {
    out.push(barChart("Turnout", turnout.map((x) => ({ label: x.checkpoint || x.label || "", value: x.share }))));
  } else {
    out.push(h("p", { class: "muted" }, t("turnout_note")));
  }
  if (total) out.push(h("section", { class: "card", id: "report-total" }, h("h2", {}, t("city_total")), render(total)));
  for (const w of r.wards) {
    const { ward, name, ...rest } = w;
    out.push(h("details", { class: "card", "data-ward": ward }, h("summary", {}, (name || ward) + " (" + ward + ")"), render(rest)));
  }
  return out;
}

// ---- exports ----
async function exportsPage() {
  const forms = await api("/api/forms");
  const ids = [...new Set(forms.map((f) => f.id))];
  const wardSel = session.wards.length > 1
    ? h("select", { name: "ward" }, session.wards.map((w) => h("option", { value: w }, w))) : null;
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
function deviceTable(devs, withRevoke) {
  const cols = ["device", "role", "last_contact", "queue", "skew", "flags"];
  return h("div", { class: "scroll" }, h("table", { id: "devices", class: "stack" },
    h("thead", {}, h("tr", {}, cols.map((c) => h("th", {}, t(c))), withRevoke ? h("th", {}, "") : null)),
    h("tbody", {}, devs.map((d) => h("tr", { "data-device": d.id },
      h("td", { "data-label": t("device") }, d.label || d.id.slice(0, 12), h("br"), h("small", { class: "muted" }, d.ward + " · " + d.id)),
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

async function devicesPage() {
  const [devs, ov] = await Promise.all([api("/api/devices"), api("/api/overview")]);
  const admin = session.role === "admin";
  const out = [h("h1", {}, t("devices"))];
  if (admin) {
    const ward = h("select", { name: "ward" }, ov.report.wards.map((w) => h("option", { value: w.ward }, (w.name || w.ward) + " (" + w.ward + ")")));
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
          h("p", {}, t("code_for") + " " + r.enrollment.ward + " · " + t("role_" + r.enrollment.role) + " · " + t("expires") + " " + when(new Date(r.enrollment.expires_ms).toISOString())),
          h("p", { id: "enroll-code", class: "code" }, r.enrollment.code), document.importNode(svg, true));
      } catch (err) { result.replaceChildren(h("p", { class: "error" }, err.message)); }
    } }, h("h2", {}, t("enroll")), h("div", { class: "filters" }, h("label", {}, t("ward"), ward), h("label", {}, t("role"), role),
      h("label", {}, t("validity"), ttl), h("button", { type: "submit" }, t("make_code"))), result));
  } else {
    out.push(h("p", { class: "muted" }, t("admin_only")));
  }
  out.push(deviceTable(devs, admin));
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
