// The officer app: a thin page over the agent's JSON API (client/ui/ui_api.h).
// Every rule lives in the C++ validator; the checks here (required, ranges,
// lengths) only spare a round trip and use the same form definition.
'use strict';
// Messages: TEXT in i18n.js.

let lang = localStorage.getItem('wardsync-lang') === 'en' ? 'en' : 'vi';
let csrf = '';
let forms = [];
let statusTimer = null;
let device = null;  // this device's status at sign-in (ward, role)

function t(key, ...args) {
  let s = TEXT[lang][key] || key;
  args.forEach((a, i) => { s = s.replace('{' + i + '}', a); });
  return s;
}

// h('p', {class: 'x'}, 'text', child...): DOM without innerHTML, so no record
// text is ever parsed as markup.
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

async function api(method, path, body) {
  const opts = { method, credentials: 'same-origin', headers: {} };
  if (method !== 'GET') {
    opts.headers['X-CSRF-Token'] = csrf;
    opts.headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body || {});
  }
  const res = await fetch(path, opts);
  let data = null;
  try { data = await res.json(); } catch (e) { data = { error: res.statusText }; }
  return { status: res.status, data };
}

// ---- formatting: Asia/Ho_Chi_Minh, dd/mm/yyyy ----
const TZ = 'Asia/Ho_Chi_Minh';
function localTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return iso;
  const p = {};
  for (const part of new Intl.DateTimeFormat('en-GB', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(d)) p[part.type] = part.value;
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}
function dmy(ymd) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : (ymd || '');
}
const shownValue = (field, v) => FormRender.shownValue(field, v);
function formById(id) { return forms.find((f) => f.id === id); }

// ---- page frame ----
function setLangUi() {
  document.documentElement.lang = lang;
  document.getElementById('lang').textContent = t('other');
  document.getElementById('lang').setAttribute('lang', lang === 'vi' ? 'en' : 'vi');
  document.getElementById('skip').textContent = t('skip');
}
function show(...nodes) {
  const main = document.getElementById('main');
  main.replaceChildren(...nodes.flat().filter((n) => n !== "" && n != null));
  const h1 = main.querySelector('h1');
  window.scrollTo(0, 0);
  if (h1) { h1.tabIndex = -1; h1.focus({ preventScroll: true }); document.title = h1.textContent + ' — wardsync'; }
}

// ---- home ----
function networkError(msg) { return /connect|refused|unreachable|timed out|timeout|resolve|reset|network/i.test(msg || ''); }

// Whether the server answers: a probe made just now by the agent (status
// "probe", client/ui/reach_probe.h); before the first probe, judged from the
// last sync attempt.
function reachability(st) {
  if (st.probe && st.probe.known) return { state: st.probe.reachable ? 'reachable' : 'unreachable', at: st.probe.checked };
  if (st.last_error) return { state: networkError(st.last_error) ? 'unreachable' : 'unknown', at: '' };
  return { state: st.last_success ? 'reachable' : 'unknown', at: '' };
}
function msTime(ms) { return ms ? localTime(new Date(ms).toISOString()) : ''; }

function renderStatus(box, st) {
  box.setAttribute('data-pending', String(st.pending));
  box.setAttribute('data-last-sync', st.last_success || '');
  const ageMin = Math.floor((st.oldest_pending_age_ms || 0) / 60000);
  const err = st.last_error;
  const reach = reachability(st);
  box.setAttribute('data-reachable', reach.state);
  const attemptOk = st.last_attempt_ms && !err;
  box.replaceChildren(
    h('dl', { class: 'status-grid' },
      h('div', {}, h('dt', {}, t('pending')),
        h('dd', { class: st.pending ? 'warn' : 'ok' }, h('span', { class: 'big', id: 'pending-count' }, st.pending), ' ', t('pendingUnit'),
          st.pending ? ` (${t('oldest')} ${ageMin ? t('age', ageMin) : t('underMinute')})` : '')),
      h('div', {}, h('dt', {}, t('lastSync')), h('dd', {}, st.last_success ? localTime(st.last_success) : t('never'))),
      h('div', {}, h('dt', {}, t('server')),
        h('dd', { id: 'reachability', class: reach.state === 'reachable' ? 'ok' : reach.state === 'unreachable' ? 'warn' : '' }, t(reach.state),
          reach.at ? h('span', { class: 'sub' }, t('checkedAt', localTime(reach.at))) : '')),
      h('div', {}, h('dt', {}, t('lastAttempt')),
        h('dd', { id: 'last-attempt' }, st.last_attempt_ms ? [msTime(st.last_attempt_ms), ' — ', attemptOk ? t('attemptOk') : t('attemptFailed')] : t('never'),
          st.next_attempt_ms ? h('span', { class: 'sub' }, t('nextAttempt', msTime(st.next_attempt_ms))) : ''))),
    err ? h('div', { class: 'error-box', id: 'last-error' }, h('strong', {}, t('lastError'), ': '),
      networkError(err) ? t('errNetwork') : t('errOther'),
      h('details', {}, h('summary', {}, t('details')), err)) : '',
    rejectedList(st.rejected || []));
}

// Changes of this device the server kept but could not apply (status
// "rejected", the list `wardsync list --rejected` prints): each with its
// reason and a link to fix it with a new edit (a never-created record: a new one).
function rejectedList(rejected) {
  if (!rejected.length) return '';
  return h('div', { class: 'rejected', id: 'rejected' },
    h('h3', {}, t('rejectedTitle', rejected.length)),
    h('p', { class: 'help' }, t('rejectedHelp')),
    h('ul', {}, rejected.map((r) => {
      const form = formById(r.form);
      const sets = Object.entries(r.sets || {}).map(([k, v]) => {
        const f = form && FormRender.fieldAt(form, k);
        return `${f ? f.label || k : k} = ${v === null ? t('empty') : (f ? shownValue(f, v) : v)}`;
      });
      return h('li', { 'data-rejected': r.conflict, 'data-record-id': r.record },
        h('strong', {}, t('op_' + r.op) || r.op, form ? ' — ' + (form.title || form.id) : ''), ' · ', localTime(r.time),
        h('div', {}, t('reason'), ': ', h('span', { lang: 'en' }, r.reason || '—')),
        sets.length ? h('div', { class: 'sub' }, t('triedToSet'), ': ', sets.join('; ')) : '',
        r.placeholder
          ? (form ? h('a', { class: 'button secondary', href: '#/new/' + r.form }, t('fixNew')) : '')
          : h('a', { class: 'button secondary', href: '#/record/' + r.record, 'data-fix': r.record }, t('fix')));
    })));
}

async function refreshStatus() {
  const box = document.getElementById('sync-status');
  if (!box) return;
  const r = await api('GET', '/api/status');
  if (r.status === 401) return boot();
  if (r.status === 200 && document.getElementById('sync-status') === box) renderStatus(box, r.data);
}

async function syncNow(ev) {
  const btn = ev.currentTarget;
  const note = document.getElementById('sync-result');
  btn.disabled = true;
  btn.textContent = t('syncing');
  note.textContent = '';
  const r = await api('POST', '/api/sync', {});
  btn.disabled = false;
  btn.textContent = t('syncNow');
  note.className = r.data && r.data.ok ? 'notice' : 'error-box';
  note.textContent = r.data && r.data.ok ? t('syncOk') : t('syncFail');
  await refreshStatus();
}

function home() {
  const box = h('section', { id: 'sync-status', 'aria-live': 'polite', 'data-pending': '', 'data-last-sync': '' }, t('loading'));
  const list = forms.length
    ? h('ul', { class: 'forms' }, forms.map((f) => h('li', {},
      h('h3', {}, f.title || f.id),
      f.description ? h('p', {}, f.description) : '',
      h('div', { class: 'actions' },
        h('a', { class: 'button', href: '#/new/' + f.id, 'data-new-record': f.id }, t('newRecord')),
        h('a', { class: 'button secondary', href: '#/records/' + f.id, 'data-records': f.id }, t('list'))))))
    : h('p', { class: 'empty' }, t('noForms'));
  show(h('h1', {}, t('home')),
    h('div', { class: 'card' }, h('h2', {}, t('syncTitle')), box,
      h('div', { class: 'actions' }, h('button', { type: 'button', id: 'sync-now', onclick: syncNow }, t('syncNow')),
        h('div', { id: 'sync-result', role: 'status' }))),
    canReview() ? h('p', {}, h('a', { class: 'button secondary', href: '#/review', id: 'review-link' }, t('reviewQueue'))) : '',
    h('h2', {}, t('forms')), list);
  refreshStatus();
  statusTimer = setInterval(refreshStatus, 3000);
}

// ---- form page (new and edit): the fields come from FormRender (form_render.js) ----
function clearMessages(formEl) {
  formEl.querySelectorAll('.msg, .form-error').forEach((m) => m.remove());
  formEl.querySelectorAll('.invalid').forEach((m) => m.classList.remove('invalid'));
  formEl.querySelectorAll('[aria-invalid]').forEach((m) => m.removeAttribute('aria-invalid'));
}

function addMessage(formEl, name, text) {
  const block = formEl.querySelector(`[data-field="${CSS.escape(name)}"]`);
  if (!block) return addFormError(formEl, text);
  block.classList.add('invalid');
  block.querySelectorAll('input, select, textarea').forEach((i) => i.setAttribute('aria-invalid', 'true'));
  const msg = h('p', { class: 'msg', role: 'alert', id: `err-${name}-${block.querySelectorAll('.msg').length}`, 'data-for': name }, text);
  block.append(msg);
  const input = block.querySelector('input, select, textarea');
  if (input) input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), msg.id].filter(Boolean).join(' '));
}

function addFormError(formEl, text) {
  formEl.prepend(h('div', { class: 'error-box form-error', role: 'alert' }, text));
}

// The validator's message in the officer's language: the known kinds of a
// bad value are said in words, anything else is shown as the validator wrote it.
function serverMessage(p) {
  // The validator's own text in this language, when it sends one (brief
  // decision 6: every problem in English and Vietnamese); matched below otherwise.
  // A rule the pack explains in Vietnamese: its explanation, not the expression.
  if (p.kind === 'rule' && p.label && lang === 'vi') return p.label;
  const own = (p.text && p.text[lang]) || (p.messages && p.messages[lang]) || p['message_' + lang];
  if (own) return own;
  if (p.kind === 'required') return t('required');
  if (p.kind === 'rule') return p.label || p.message;
  const m = p.message;
  let r;
  if (/is not an integer/.test(m)) return t('notInteger');
  if (/not a (finite )?number|is not a decimal/.test(m)) return t('notNumber');
  if ((r = /below the minimum (\S+)/.exec(m))) return t('atLeast', r[1]);
  if ((r = /above the maximum (\S+)/.exec(m))) return t('atMost', r[1]);
  if (/not a real date/.test(m)) return t('badDate');
  if (/not one of the choices/.test(m)) return t('notChoice');
  if ((r = /characters long, the maximum is (\d+)/.exec(m))) return t('tooLong', r[1]);
  return t('invalid') + ': ' + m;
}

function formPage(form, record) {
  const values = record ? FormRender.withRows(form, record.fields) : {};
  const conflicts = {};
  if (record) {
    for (const c of record.conflicts || []) {
      if (!c.open || !c.field) continue;
      const f = FormRender.fieldAt(form, c.field);
      conflicts[c.field] = (c.candidates || []).map((cand) => `${(f ? shownValue(f, cand.value) : cand.value) || t('empty')}` +
        (cand.by ? ` — ${cand.by.officer}, ${localTime(cand.by.time)}` : ''));
    }
  }
  const formEl = h('form', { novalidate: true, id: 'record-form', 'data-form': form.id },
    form.fields.map((f) => FormRender.fieldBlock(f, values[f.name], conflicts[f.name], ((record && record.attachments) || {})[f.name])),
    h('div', { class: 'actions' },
      h('button', { type: 'submit' }, t('save')),
      h('a', { class: 'button secondary', href: record ? '#/records/' + form.id : '#/' }, t('cancel')),
      record ? h('button', { type: 'button', class: 'danger', id: 'delete', onclick: () => del(record, form) }, t('del')) : ''));
  const result = h('div', { id: 'save-result', role: 'status' });
  formEl.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(formEl);
    result.replaceChildren();
    if (AttachmentField.uploading(formEl)) { addFormError(formEl, t('attBusy')); return; }
    const vals = FormRender.collect(formEl, form);
    const local = FormRender.browserChecks(formEl, form, vals);
    if (local.length) {
      addFormError(formEl, t('notSaved'));
      local.forEach(([name, text]) => addMessage(formEl, name, text));
      focusFirstInvalid(formEl);
      return;
    }
    const btn = formEl.querySelector('button[type=submit]');
    btn.disabled = true;
    const r = record ? await api('POST', '/api/records/' + record.id, { values: vals })
      : await api('POST', '/api/records', { form: form.id, values: vals });
    btn.disabled = false;
    if (r.status === 401) return boot();
    if (r.status === 200 || r.status === 201) {
      const id = r.data.id;
      if (record) {
        result.replaceChildren(h('div', { class: 'notice', 'data-record-id': id, id: 'saved' },
          r.data.unchanged ? t('unchanged') : t('savedEdit')));
        result.focus();
        return;
      }
      show(h('h1', {}, form.title || form.id),
        h('div', { class: 'notice', 'data-record-id': id, id: 'saved', role: 'status' }, t('saved'), ' ', t('recordId'), ': ',
          h('code', {}, id)),
        h('div', { class: 'actions' },
          h('a', { class: 'button', href: '#/new/' + form.id + '?' + Date.now(), 'data-new-record': form.id }, t('another')),
          h('a', { class: 'button secondary', href: '#/records/' + form.id }, t('openList')),
          h('a', { class: 'button secondary', href: '#/' }, t('home'))));
      return;
    }
    addFormError(formEl, r.data && r.data.problems ? t('notSaved') : failure(t('notSavedError'), r));
    for (const p of (r.data && r.data.problems) || []) {
      if (!p.fields.length) addFormError(formEl, serverMessage(p));
      p.fields.forEach((name) => addMessage(formEl, name, serverMessage(p)));
    }
    focusFirstInvalid(formEl);
  });
  FormRender.wireEvaluation(formEl, form, (path, body) => api('POST', path, body));
  return [formEl, result];
}

// A refusal the page has no words of its own for: said in the officer's
// language, with the program's own text (English) under "technical details".
function failure(what, r) {
  const detail = (r.data && r.data.error) || ('HTTP ' + r.status);
  return h('span', {}, what, h('details', {}, h('summary', {}, t('details')), h('span', { lang: 'en' }, detail)));
}

function focusFirstInvalid(formEl) {
  const first = formEl.querySelector('.invalid input, .invalid select, .invalid textarea') || formEl.querySelector('.form-error');
  if (first) { first.tabIndex = first.tabIndex; first.focus(); }
}

async function del(record, form) {
  if (!window.confirm(t('confirmDelete'))) return;
  const r = await api('POST', '/api/records/' + record.id + '/delete', {});
  if (r.status === 200) { location.hash = '#/records/' + form.id; return; }
  alert(t('deleteFailed') + '\n\n' + ((r.data && r.data.error) || ('HTTP ' + r.status)));
}

function newRecord(formId) {
  const form = formById(formId);
  if (!form) return notFound();
  show(h('h1', {}, form.title || form.id), form.description ? h('p', { class: 'meta' }, form.description) : '',
    formPage(form, null));
}

async function openRecord(id) {
  const r = await api('GET', '/api/records/' + id);
  if (r.status !== 200) return show(h('h1', {}, t('notFound')), h('p', { role: 'alert' }, failure(t('loadFailed'), r)));
  const rec = r.data;
  const form = formById(rec.form);
  if (!form) return notFound();
  show(h('h1', {}, t('edit'), ': ', form.title || form.id),
    h('p', { class: 'meta', 'data-record-id': rec.id, id: 'record-meta' }, t('recordId'), ': ', h('code', {}, rec.id), ' · ',
      t('created'), ': ', localTime(rec.created && rec.created.time), rec.created ? ' (' + rec.created.officer + ')' : '',
      rec.last_change ? ' · ' + t('lastChange') + ': ' + localTime(rec.last_change.time) + ' (' + rec.last_change.officer + ')' : ''),
    RecordState.reviewBox(h, t, localTime, rec),
    AttachmentField.summary(form, rec),
    await RecordState.duplicateBoxes({ h, t, api, localTime, shownValue, fieldAt: FormRender.fieldAt }, form, rec),
    changedSince(form, rec.changed_since || []),
    (rec.rejected || []).length ? h('div', { class: 'error-box', id: 'record-rejected' }, t('recordRejected'),
      h('ul', {}, rec.rejected.map((x) => h('li', {}, localTime(x.time), ' — ', h('span', { lang: 'en' }, x.reason))))) : '',
    formPage(form, rec));
}

// What other devices changed in a record this device made (API
// "changed_since": the current value of each such field, who and when).
function changedSince(form, changes) {
  if (!changes.length) return '';
  return h('div', { class: 'changed', id: 'changed-since' }, h('strong', {}, t('changedSince')),
    h('ul', {}, changes.map((c) => {
      const f = FormRender.fieldAt(form, c.field);
      return h('li', { 'data-changed-field': c.field }, h('span', { class: 'label' }, f ? f.label || c.field : c.field), ': ',
        h('strong', {}, (f ? shownValue(f, c.value) : String(c.value ?? '')) || t('empty')), ' — ', c.officer || c.device, ', ', localTime(c.time));
    })));
}

// ---- review queue (reviewer and admin devices) ----
function canReview() { return device && (device.role === 'reviewer' || device.role === 'admin'); }

// A candidate's value in words: keep/delete for a delete-against-edit
// conflict, the field's shown value otherwise.
function candidateText(form, c, cand) {
  if (cand.action) return t('action_' + cand.action);
  const f = form && FormRender.fieldAt(form, c.field);
  const v = f ? shownValue(f, cand.value) : (cand.value === null ? '' : String(cand.value));
  return v === '' ? t('empty') : v;
}

function reviewItem(c) {
  const form = formById(c.form);
  const fieldOf = (name) => (form && FormRender.fieldAt(form, name)) || { name, label: name };
  const what = c.kind === 'values' ? (c.field ? t('kindValues', fieldOf(c.field).label || c.field) : t('kindDelete'))
    : c.kind === 'rule' ? t('kindRule') : t('kindRejected');
  const result = h('div', { role: 'status' });
  const reasonId = 'reason-' + c.id.replace(/[^A-Za-z0-9]/g, '_');
  const choice = [];
  if (c.kind === 'values') {
    choice.push(h('div', { class: 'candidates' }, c.candidates.map((cand) => h('label', { class: 'candidate', 'data-candidate': cand.number },
      h('span', { class: 'pick' }, h('input', { type: 'radio', name: 'pick', value: cand.number, required: true }), t('pickN', cand.number)),
      h('span', { class: 'value' }, candidateText(form, c, cand)),
      h('span', { class: 'sub' }, cand.officer || cand.device, ' · ', cand.device),
      h('span', { class: 'sub' }, localTime(cand.time))))));
  } else if (c.kind === 'rule') {
    choice.push(h('p', {}, t('ruleBroken'), ' ', h('strong', {}, c.problem)),
      c.fields.map((name) => {
        const f = fieldOf(name);
        const id = 'set-' + c.id.replace(/[^A-Za-z0-9]/g, '_') + '-' + name;
        const v = (c.values || {})[name];
        return h('div', { class: 'field' }, h('label', { for: id }, f.label || name),
          h('input', { id, type: 'text', 'data-set': name, value: v === null || v === undefined ? '' : String(v) }));
      }));
  } else {
    const ch = c.rejected_change || {};
    choice.push(h('p', {}, t('reason'), ': ', h('span', { lang: 'en' }, c.problem)),
      (ch.sets || []).length ? h('p', { class: 'sub' }, t('triedToSet'), ': ',
        ch.sets.map((x) => `${fieldOf(x.field).label || x.field} = ${x.value === null ? t('empty') : shownValue(fieldOf(x.field), x.value)}`).join('; ')) : '',
      h('label', { class: 'choice' }, h('input', { type: 'checkbox', name: 'dismiss', required: true }), t('dismiss')));
  }
  const formEl = h('form', { novalidate: true, class: 'resolve' }, choice,
    h('div', { class: 'field' }, h('label', { for: reasonId }, t('resolveReason'), h('abbr', { class: 'req', title: t('requiredMark') }, ' *')),
      h('textarea', { id: reasonId, name: 'reason', rows: 2, required: true })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('resolve'))), result);
  formEl.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(formEl);
    const body = { conflict: c.id, reason: formEl.elements.reason.value.trim() };
    if (c.kind === 'values') {
      const picked = formEl.querySelector('input[name=pick]:checked');
      if (!picked) return addFormError(formEl, t('pickOne'));
      body.pick = Number(picked.value);
    } else if (c.kind === 'rule') {
      body.set = {};
      formEl.querySelectorAll('[data-set]').forEach((i) => { body.set[i.dataset.set] = i.value; });
    } else {
      if (!formEl.elements.dismiss.checked) return addFormError(formEl, t('pickOne'));
      body.dismiss = true;
    }
    if (!body.reason) {
      addFormError(formEl, t('reasonNeeded'));
      return formEl.elements.reason.focus();
    }
    const r = await api('POST', '/api/resolve', body);
    if (r.status === 401) return boot();
    if (r.status !== 200) { addFormError(formEl, failure(t('resolveFailed'), r)); return; }
    formEl.replaceChildren(h('div', { class: 'notice', id: 'resolved', 'data-resolved': c.id, tabindex: -1 }, t('resolvedQueued')));
    formEl.querySelector('#resolved').focus();
  });
  return h('section', { class: 'card review-item', 'data-conflict': c.id, 'data-kind': c.kind },
    h('h2', {}, (form && form.title) || c.form, ' — ', what),
    h('p', { class: 'meta' }, wardName(c.ward), ' · ', c.placeholder ? t('neverCreated') : h('a', { href: '#/record/' + c.record }, t('openRecord'))),
    c.kind === 'values' && c.base !== null && c.field ? h('p', { class: 'sub' }, t('baseValue'), ': ', candidateText(form, c, { value: c.base })) : '',
    formEl);
}

async function review() {
  const r = await api('GET', '/api/conflicts');
  if (r.status === 401) return boot();
  const items = r.status === 200 ? r.data : [];
  show(h('h1', {}, t('reviewQueue')),
    r.status !== 200 ? h('p', { class: 'error-box', role: 'alert' }, failure(t('loadFailed'), r)) : '',
    h('p', { class: 'help' }, t('reviewHelp')),
    items.length ? h('div', { id: 'review' }, items.map(reviewItem)) : h('p', { class: 'empty', id: 'review' }, t('noConflicts')));
}

// ---- records list ----
async function records(formId) {
  const form = formById(formId);
  if (!form) return notFound();
  const r = await api('GET', '/api/records?form=' + encodeURIComponent(formId));
  if (r.status === 401) return boot();
  const rows = (r.data || []).slice().sort((a, b) => ((b.created && b.created.hlc) || 0) - ((a.created && a.created.hlc) || 0));
  const shown = form.fields.slice(0, 3);
  const body = h('tbody', {}, rows.map((rec) => {
    const tr = h('tr', { 'data-record-id': rec.id },
      h('td', { 'data-label': t('created') }, localTime(rec.created && rec.created.time)),
      shown.map((f) => h('td', { 'data-label': f.label || f.name }, shownValue(f, rec.fields[f.name]))),
      h('td', { 'data-label': t('state') }, rec.open_conflicts ? h('span', { class: 'tag' }, t('inConflict')) : '', ' ',
        rec.review && rec.review.by ? RecordState.reviewTag(h, t, rec.review) : ''),
      h('td', {}, h('a', { href: '#/record/' + rec.id }, t('open'))));
    tr.dataset.search = Object.values(rec.fields).join(' ').toLowerCase() + ' ' + rec.id;
    return tr;
  }));
  const search = h('input', { type: 'search', id: 'search', oninput: (ev) => {
    const q = ev.target.value.trim().toLowerCase();
    body.querySelectorAll('tr').forEach((tr) => { tr.hidden = q !== '' && !tr.dataset.search.includes(q); });
  } });
  show(h('h1', {}, t('list'), ': ', form.title || form.id),
    h('div', { class: 'records-tools' },
      h('div', {}, h('label', { for: 'search' }, t('search')), search),
      h('a', { class: 'button', href: '#/new/' + form.id, 'data-new-record': form.id }, t('newRecord'))),
    rows.length ? h('table', { id: 'records', 'data-form': form.id },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('created')), shown.map((f) => h('th', { scope: 'col' }, f.label || f.name)),
        h('th', { scope: 'col' }, t('state')), h('th', { scope: 'col' }, h('span', { class: 'sr' }, t('open'))))), body)
      : h('p', { class: 'empty', id: 'records' }, t('noRecords')));
}

function notFound() { show(h('h1', {}, t('notFound')), h('a', { href: '#/' }, t('home'))); }

// ---- routing ----
function route() {
  if (statusTimer) { clearInterval(statusTimer); statusTimer = null; }
  const parts = location.hash.replace(/^#\/?/, '').split('?')[0].split('/');
  if (parts[0] === '' ) return home();
  if (parts[0] === 'new' && parts[1]) return newRecord(decodeURIComponent(parts[1]));
  if (parts[0] === 'records' && parts[1]) return records(decodeURIComponent(parts[1]));
  if (parts[0] === 'record' && parts[1]) return openRecord(parts[1]);
  if (parts[0] === 'review') return review();
  return notFound();
}

// The ward's Vietnamese name from the published ward list (its id until the list is known).
const wardNames = {};
function wardName(id) { return wardNames[id] || id; }
function showDevice() {
  if (!device) return;
  const el = document.getElementById('device');
  el.replaceChildren(h('span', { id: 'ward-name', 'data-ward': device.ward }, wardName(device.ward)), ' · ', t('role_' + device.role));
}

async function boot() {
  setLangUi();
  const s = await api('GET', '/api/session');
  if (s.status !== 200) {
    show(h('h1', {}, 'wardsync'), h('p', { class: 'error-box', role: 'alert', id: 'need-link' }, t('needLink')));
    return;
  }
  csrf = s.data.csrf;
  const st = s.data.status;
  device = st;
  Object.assign(wardNames, s.data.wards || {});
  showDevice();
  const f = await api('GET', '/api/forms');
  forms = f.status === 200 ? f.data.map(FormRender.withGroups) : [];
  route();
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('lang').addEventListener('click', () => {
    lang = lang === 'vi' ? 'en' : 'vi';
    localStorage.setItem('wardsync-lang', lang);
    setLangUi();
    showDevice();
    route();
  });
  window.addEventListener('hashchange', route);
  boot();
});
