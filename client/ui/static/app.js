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
function shownValue(field, v) {
  if (v === null || v === undefined || v === '') return '';
  const label = (val) => { const c = (field.choices || []).find((c) => c.value === val); return c ? (c.label || c.value) : val; };
  switch (field.type) {
    case 'DATE': return dmy(v);
    case 'BOOLEAN': return v ? t('yes') : t('no');
    case 'SINGLE_CHOICE': return label(v);
    case 'MULTIPLE_CHOICE': return (Array.isArray(v) ? v : [v]).map(label).join(', ');
    default: return String(v);
  }
}
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

function renderStatus(box, st) {
  box.setAttribute('data-pending', String(st.pending));
  box.setAttribute('data-last-sync', st.last_success || '');
  const ageMin = Math.floor((st.oldest_pending_age_ms || 0) / 60000);
  const err = st.last_error;
  const reach = err ? (networkError(err) ? 'unreachable' : 'unknown') : (st.last_success ? 'reachable' : 'unknown');
  box.replaceChildren(
    h('dl', { class: 'status-grid' },
      h('div', {}, h('dt', {}, t('pending')),
        h('dd', { class: st.pending ? 'warn' : 'ok' }, h('span', { class: 'big', id: 'pending-count' }, st.pending), ' ', t('pendingUnit'),
          st.pending ? ` (${t('oldest')} ${ageMin ? t('age', ageMin) : t('underMinute')})` : '')),
      h('div', {}, h('dt', {}, t('lastSync')), h('dd', {}, st.last_success ? localTime(st.last_success) : t('never'))),
      h('div', {}, h('dt', {}, t('server')), h('dd', { class: reach === 'reachable' ? 'ok' : reach === 'unreachable' ? 'warn' : '' }, t(reach)))),
    err ? h('div', { class: 'error-box', id: 'last-error' }, h('strong', {}, t('lastError'), ': '),
      networkError(err) ? t('errNetwork') : t('errOther'),
      h('details', {}, h('summary', {}, t('details')), err)) : '');
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
    h('h2', {}, t('forms')), list);
  refreshStatus();
  statusTimer = setInterval(refreshStatus, 3000);
}

// ---- form page (new and edit) ----
function inputFor(field, value) {
  const id = 'in-' + field.name;
  const described = field.help ? 'help-' + field.name : null;
  const common = { id, name: field.name, 'aria-describedby': described, required: !!field.required };
  const choices = field.choices || [];
  switch (field.type) {
    case 'INTEGER':
    case 'DECIMAL':
      return h('input', { ...common, type: 'number', inputmode: field.type === 'INTEGER' ? 'numeric' : 'decimal',
        step: field.type === 'INTEGER' ? '1' : 'any', min: field.min, max: field.max, value: value ?? '' });
    case 'DATE':
      return h('input', { ...common, type: 'date', value: value ?? '' });
    case 'TEXT':
      if (field.max_length && field.max_length <= 200) {
        return h('input', { ...common, type: 'text', maxlength: field.max_length, value: value ?? '' });
      }
      { const ta = h('textarea', { ...common, rows: 4, maxlength: field.max_length || 2000 }); ta.value = value ?? ''; return ta; }
    case 'BOOLEAN':
      return [h('label', { class: 'choice' }, h('input', { type: 'radio', name: field.name, value: 'true', checked: value === true, id: id }), t('yes')),
        h('label', { class: 'choice' }, h('input', { type: 'radio', name: field.name, value: 'false', checked: value === false }), t('no'))];
    case 'SINGLE_CHOICE':
      if (choices.length <= 5) {
        return choices.map((c, i) => h('label', { class: 'choice' },
          h('input', { type: 'radio', name: field.name, value: c.value, checked: value === c.value, id: i === 0 ? id : null }), c.label || c.value));
      }
      return h('select', { ...common }, h('option', { value: '' }, t('choose')),
        choices.map((c) => h('option', { value: c.value, selected: value === c.value }, c.label || c.value)));
    case 'MULTIPLE_CHOICE': {
      const chosen = Array.isArray(value) ? value : [];
      return choices.map((c, i) => h('label', { class: 'choice' },
        h('input', { type: 'checkbox', name: field.name, value: c.value, checked: chosen.includes(c.value), id: i === 0 ? id : null }), c.label || c.value));
    }
    default:
      return h('input', { ...common, type: 'text', value: value ?? '' });
  }
}

function fieldBlock(field, value, conflict) {
  const group = ['BOOLEAN', 'SINGLE_CHOICE', 'MULTIPLE_CHOICE'].includes(field.type) &&
    !(field.type === 'SINGLE_CHOICE' && (field.choices || []).length > 5);
  const req = field.required ? h('abbr', { class: 'req', title: t('requiredMark') }, ' *') : '';
  const help = field.help ? h('p', { class: 'help', id: 'help-' + field.name }, field.help) : '';
  const conflictBox = conflict ? h('div', { class: 'conflict' }, t('conflictTitle'),
    h('ul', {}, conflict.map((c) => h('li', {}, c)))) : '';
  if (group) {
    return h('div', { class: 'field', id: 'f-' + field.name, 'data-field': field.name },
      h('fieldset', { 'aria-describedby': field.help ? 'help-' + field.name : null },
        h('legend', {}, field.label || field.name, req), help, conflictBox, inputFor(field, value)));
  }
  return h('div', { class: 'field', id: 'f-' + field.name, 'data-field': field.name },
    h('label', { for: 'in-' + field.name }, field.label || field.name, req), help, conflictBox, inputFor(field, value));
}

// The form's values as the API takes them: text per field, a list per multiple choice.
function collect(formEl, form) {
  const out = {};
  const data = new FormData(formEl);
  for (const f of form.fields) {
    if (f.type === 'MULTIPLE_CHOICE') out[f.name] = data.getAll(f.name);
    else out[f.name] = (data.get(f.name) ?? '').toString();
  }
  return out;
}

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

// Required fields, numbers, ranges and lengths: the form definition's own
// limits, checked before sending. The server checks everything again.
function browserChecks(form, values) {
  const problems = [];
  for (const f of form.fields) {
    const v = values[f.name];
    const empty = Array.isArray(v) ? v.length === 0 : v === '';
    if (empty) { if (f.required) problems.push([f.name, t('required')]); continue; }
    if (f.type === 'INTEGER' || f.type === 'DECIMAL') {
      const n = Number(v);
      if (!isFinite(n)) { problems.push([f.name, t('notNumber')]); continue; }
      if (f.type === 'INTEGER' && !Number.isInteger(n)) { problems.push([f.name, t('notInteger')]); continue; }
      if (f.min !== undefined && n < f.min) problems.push([f.name, t('atLeast', f.min)]);
      if (f.max !== undefined && n > f.max) problems.push([f.name, t('atMost', f.max)]);
    }
    if (f.type === 'DATE' && !/^\d{4}-\d{2}-\d{2}$/.test(v)) problems.push([f.name, t('badDate')]);
    if (f.type === 'TEXT') {
      const max = f.max_length || 2000;
      if ([...v].length > max) problems.push([f.name, t('tooLong', max)]);
    }
  }
  return problems;
}

// The validator's message in the officer's language: the known kinds of a
// bad value are said in words, anything else is shown as the validator wrote it.
function serverMessage(p) {
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
  const values = record ? record.fields : {};
  const conflicts = {};
  if (record) {
    for (const c of record.conflicts || []) {
      if (!c.open || !c.field) continue;
      const f = form.fields.find((x) => x.name === c.field);
      conflicts[c.field] = (c.candidates || []).map((cand) => `${(f ? shownValue(f, cand.value) : cand.value) || t('empty')}` +
        (cand.by ? ` — ${cand.by.officer}, ${localTime(cand.by.time)}` : ''));
    }
  }
  const formEl = h('form', { novalidate: true, id: 'record-form', 'data-form': form.id },
    form.fields.map((f) => fieldBlock(f, values[f.name], conflicts[f.name])),
    h('div', { class: 'actions' },
      h('button', { type: 'submit' }, t('save')),
      h('a', { class: 'button secondary', href: record ? '#/records/' + form.id : '#/' }, t('cancel')),
      record ? h('button', { type: 'button', class: 'danger', id: 'delete', onclick: () => del(record, form) }, t('del')) : ''));
  const result = h('div', { id: 'save-result', role: 'status' });
  formEl.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(formEl);
    result.replaceChildren();
    const vals = collect(formEl, form);
    const local = browserChecks(form, vals);
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
    addFormError(formEl, r.data && r.data.problems ? t('notSaved') : (r.data && r.data.error) || ('HTTP ' + r.status));
    for (const p of (r.data && r.data.problems) || []) {
      if (!p.fields.length) addFormError(formEl, serverMessage(p));
      p.fields.forEach((name) => addMessage(formEl, name, serverMessage(p)));
    }
    focusFirstInvalid(formEl);
  });
  return [formEl, result];
}

function focusFirstInvalid(formEl) {
  const first = formEl.querySelector('.invalid input, .invalid select, .invalid textarea') || formEl.querySelector('.form-error');
  if (first) { first.tabIndex = first.tabIndex; first.focus(); }
}

async function del(record, form) {
  if (!window.confirm(t('confirmDelete'))) return;
  const r = await api('POST', '/api/records/' + record.id + '/delete', {});
  if (r.status === 200) { location.hash = '#/records/' + form.id; return; }
  alert((r.data && r.data.error) || ('HTTP ' + r.status));
}

function newRecord(formId) {
  const form = formById(formId);
  if (!form) return notFound();
  show(h('h1', {}, form.title || form.id), form.description ? h('p', { class: 'meta' }, form.description) : '',
    formPage(form, null));
}

async function openRecord(id) {
  const r = await api('GET', '/api/records/' + id);
  if (r.status !== 200) return show(h('h1', {}, t('notFound')), h('p', { role: 'alert' }, r.data.error || ''));
  const rec = r.data;
  const form = formById(rec.form);
  if (!form) return notFound();
  show(h('h1', {}, t('edit'), ': ', form.title || form.id),
    h('p', { class: 'meta', 'data-record-id': rec.id, id: 'record-meta' }, t('recordId'), ': ', h('code', {}, rec.id), ' · ',
      t('created'), ': ', localTime(rec.created && rec.created.time), rec.created ? ' (' + rec.created.officer + ')' : '',
      rec.last_change ? ' · ' + t('lastChange') + ': ' + localTime(rec.last_change.time) + ' (' + rec.last_change.officer + ')' : ''),
    formPage(form, rec));
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
      h('td', { 'data-label': t('state') }, rec.open_conflicts ? h('span', { class: 'tag' }, t('inConflict')) : ''),
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
  return notFound();
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
  document.getElementById('device').textContent = `${st.ward} · ${t('role_' + st.role)}`;
  const f = await api('GET', '/api/forms');
  forms = f.status === 200 ? f.data : [];
  route();
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('lang').addEventListener('click', () => {
    lang = lang === 'vi' ? 'en' : 'vi';
    localStorage.setItem('wardsync-lang', lang);
    setLangUi();
    if (device) document.getElementById('device').textContent = `${device.ward} · ${t('role_' + device.role)}`;
    route();
  });
  window.addEventListener('hashchange', route);
  boot();
});
