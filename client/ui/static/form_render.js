// The form renderer: builds a record's form from its definition (the forms
// API's JSON, field names as protobuf prints them), for every type the form
// language has: numbers, text, dates, times (HH:MM), yes/no, choices, and
// repeat groups (GROUP: rows of sub-fields, each row with a stable "_row"
// id, min_rows..max_rows) and attachments (ATTACHMENT: attachment_field.js). A field with `relevant` is shown only while the C++
// evaluation says so; a field with `compute` is read-only and shows what the
// evaluation computed. The browser never evaluates an expression itself
// (one engine, in C++): it posts the values to /api/forms/FORM/evaluate on
// every change and applies the reply (applyEvaluation).
// Uses h() and t() from app.js (loaded after this file, called at run time).
'use strict';

const FormRender = (() => {
  const CHOICE_TYPES = ['BOOLEAN', 'SINGLE_CHOICE', 'MULTIPLE_CHOICE'];

  // A fresh row id: 16 hex digits from the browser's CSPRNG (stable once made:
  // it names the row in every later edit and merge).
  function newRowId() {
    const b = new Uint8Array(8);
    crypto.getRandomValues(b);
    return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  }

  // The path of a field: its name, or GROUP[ROW].SUB inside a group's row
  // (the evaluation's keys use the same paths).
  const pathOf = (field, row, group) => (group ? `${group.name}[${row}].${field.name}` : field.name);
  const idOf = (path) => 'in-' + path.replace(/[^A-Za-z0-9_-]/g, '_');
  const isGroupedChoice = (field) => CHOICE_TYPES.includes(field.type) &&
    !(field.type === 'SINGLE_CHOICE' && (field.choices || []).length > 5);

  // One input (or a list of radio/checkbox labels) for `field` at `path`.
  function inputFor(field, value, path, extra) {
    const id = idOf(path);
    const common = { id, name: path, 'aria-describedby': field.help ? 'help-' + id : null, required: !!field.required, ...extra };
    const choices = field.choices || [];
    if (field.compute) {
      // Computed: read-only, filled from the evaluation, never sent.
      // A computed date reads as the date inputs do (dd/mm/yyyy), not as stored.
      return h('input', { ...common, type: 'text', readonly: true, 'aria-readonly': 'true', class: 'computed', required: false,
        'data-computed': path, 'data-type': field.type, value: field.type === 'DATE' && value ? dmy(value) : value ?? '' });
    }
    switch (field.type) {
      case 'INTEGER':
      case 'DECIMAL':
        return h('input', { ...common, type: 'number', inputmode: field.type === 'INTEGER' ? 'numeric' : 'decimal',
          step: field.type === 'INTEGER' ? '1' : 'any', min: field.min, max: field.max, value: value ?? '' });
      case 'DATE':
        return h('input', { ...common, type: 'date', value: value ?? '' });
      case 'TIME':
        return h('input', { ...common, type: 'time', step: 60, value: value ?? '' });
      case 'TEXT':
        if (field.max_length && field.max_length <= 200) {
          return h('input', { ...common, type: 'text', maxlength: field.max_length, value: value ?? '' });
        }
        { const ta = h('textarea', { ...common, rows: 4, maxlength: field.max_length || 2000 }); ta.value = value ?? ''; return ta; }
      case 'BOOLEAN':
        return [h('label', { class: 'choice' }, h('input', { type: 'radio', name: path, value: 'true', checked: value === true, id }), t('yes')),
          h('label', { class: 'choice' }, h('input', { type: 'radio', name: path, value: 'false', checked: value === false }), t('no'))];
      case 'SINGLE_CHOICE':
        if (choices.length <= 5) {
          return choices.map((c, i) => h('label', { class: 'choice' },
            h('input', { type: 'radio', name: path, value: c.value, checked: value === c.value, id: i === 0 ? id : null }), c.label || c.value));
        }
        return h('select', { ...common }, h('option', { value: '' }, t('choose')), selectOptions(choices, value));
      case 'MULTIPLE_CHOICE': {
        const chosen = Array.isArray(value) ? value : [];
        return choices.map((c, i) => h('label', { class: 'choice' },
          h('input', { type: 'checkbox', name: path, value: c.value, checked: chosen.includes(c.value), id: i === 0 ? id : null }), c.label || c.value));
      }
      default:
        return h('input', { ...common, type: 'text', value: value ?? '' });
    }
  }

  // A select's options; entries of a choice list with a group (a
  // constituency) go under an <optgroup> of it, in list order, so an option
  // is just the name and fits a 360 px screen.
  function selectOptions(choices, value) {
    const out = [];
    let current = null;
    for (const c of choices) {
      const opt = h('option', { value: c.value, selected: value === c.value }, c.label || c.value);
      if (!c.group) { current = null; out.push(opt); continue; }
      if (!current || current.label !== c.group) { current = h('optgroup', { label: c.group }); out.push(current); }
      current.appendChild(opt);
    }
    return out;
  }

  // Copies each choice's group (the forms API's "choice_groups": list ->
  // value -> group) onto the choices of the fields naming the list.
  function withGroups(form) {
    const groups = form.choice_groups || {};
    const mark = (fields) => (fields || []).forEach((f) => {
      mark(f.fields);
      const g = f.choice_list && groups[f.choice_list];
      if (g) (f.choices || []).forEach((c) => { if (g[c.value]) c.group = g[c.value]; });
    });
    mark(form.fields);
    return form;
  }

  function reqMark(field) {
    return h('abbr', { class: 'req', title: t('requiredMark'), hidden: !field.required }, ' *');
  }

  // One field: label (or legend for a group of radios/checkboxes), help,
  // competing values if in conflict, the input(s). `transfer`: where an
  // attachment's bytes are (a record page), else nothing.
  function fieldBlock(field, value, conflict, transfer) {
    if (field.type === 'GROUP') return groupBlock(field, value);
    const path = field.name;
    const id = idOf(path);
    const help = field.help ? h('p', { class: 'help', id: 'help-' + id }, field.help) : '';
    const conflictBox = conflict ? h('div', { class: 'conflict' }, t('conflictTitle'),
      h('ul', {}, conflict.map((c) => h('li', {}, c)))) : '';
    const attrs = { class: 'field' + (field.compute ? ' is-computed' : ''), id: 'f-' + path, 'data-field': path };
    const note = field.compute ? h('p', { class: 'help' }, t('computedNote')) : '';
    if (field.type === 'ATTACHMENT' && !field.compute) {
      return h('div', { ...attrs, class: 'field attachment' }, h('label', { for: id }, field.label || field.name, reqMark(field)), help,
        conflictBox, AttachmentField.control(field, value && typeof value === 'object' ? value : null, path, id, transfer));
    }
    if (isGroupedChoice(field) && !field.compute) {
      return h('div', attrs, h('fieldset', { 'aria-describedby': field.help ? 'help-' + id : null },
        h('legend', {}, field.label || field.name, reqMark(field)), help, conflictBox, inputFor(field, value, path)));
    }
    return h('div', attrs, h('label', { for: id }, field.label || field.name, reqMark(field)), help, note, conflictBox,
      inputFor(field, value, path));
  }

  // A repeat group: a table, one row per entry, sub-fields as columns (on a
  // phone each row becomes a card), with add/remove buttons kept within
  // min_rows..max_rows.
  function groupBlock(group, value) {
    const subs = group.fields || [];
    const noHelp = { 'aria-describedby': null };  // a cell shows no help text (the group's is above the table)
    const min = group.min_rows || 0;
    const max = group.max_rows || 0;  // 0: no maximum
    const rows = Array.isArray(value) ? value.slice() : [];
    while (rows.length < min) rows.push({ _row: newRowId() });
    const body = h('tbody', {});
    const status = h('p', { class: 'help group-count', 'aria-live': 'polite' });
    const add = h('button', { type: 'button', class: 'secondary add-row', 'data-add-row': group.name }, t('addRow'));
    const block = h('div', { class: 'field group', id: 'f-' + group.name, 'data-field': group.name, 'data-group': group.name },
      h('fieldset', {},
        h('legend', {}, group.label || group.name, reqMark(group)),
        group.help ? h('p', { class: 'help' }, group.help) : '',
        h('table', { class: 'rows' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '#'), subs.map((s) => h('th', { scope: 'col' }, s.label || s.name, reqMark(s))),
            h('th', { scope: 'col' }, h('span', { class: 'sr' }, t('removeRow'))))),
          body),
        h('div', { class: 'actions' }, add, status)));

    function refresh() {
      const trs = [...body.children];
      trs.forEach((tr, i) => {
        tr.querySelector('.row-no').textContent = String(i + 1);
        const rm = tr.querySelector('.remove-row');
        rm.disabled = trs.length <= min;
        rm.setAttribute('aria-label', t('removeRowN', i + 1));
      });
      add.disabled = max > 0 && trs.length >= max;
      status.textContent = t('rowsCount', trs.length) + (min || max ? ' (' + (max ? t('rowsRange', min, max) : t('rowsMin', min)) + ')' : '');
    }
    function addRow(row, focus) {
      const rid = row._row || newRowId();
      const tr = h('tr', { 'data-row': rid },
        h('td', { class: 'row-no', 'data-label': '#' }),
        subs.map((s) => {
          const path = pathOf(s, rid, group);
          // A visible label on a phone (the table head is hidden there), for screen readers everywhere.
          return h('td', { 'data-field': path, 'data-label': s.label || s.name, class: 'field cell' },
            CHOICE_TYPES.includes(s.type) && isGroupedChoice(s)
              ? h('fieldset', {}, h('legend', { class: 'cell-label' }, s.label || s.name), inputFor(s, row[s.name], path, noHelp))
              : [h('label', { class: 'cell-label', for: idOf(path) }, s.label || s.name), inputFor(s, row[s.name], path, noHelp)]);
        }),
        h('td', {}, h('button', { type: 'button', class: 'danger remove-row', onclick: () => {
          if (body.children.length <= min) return;
          const next = tr.nextElementSibling || tr.previousElementSibling;
          tr.remove();
          refresh();
          block.dispatchEvent(new Event('change', { bubbles: true }));
          (next ? next.querySelector('input, select, textarea') : add).focus();
        } }, t('removeRow'))));
      body.append(tr);
      refresh();
      if (focus) { const first = tr.querySelector('input, select, textarea'); if (first) first.focus(); }
    }
    add.addEventListener('click', () => {
      if (max > 0 && body.children.length >= max) return;
      addRow({}, true);
      block.dispatchEvent(new Event('change', { bubbles: true }));
    });
    rows.forEach((r) => addRow(r, false));
    refresh();
    return block;
  }

  // One field's value from the form (inputs of hidden, irrelevant fields are
  // disabled and give nothing; computed fields are never sent).
  function valueOf(formEl, field, path) {
    if (field.compute) return undefined;
    const inputs = [...formEl.querySelectorAll(`[name="${CSS.escape(path)}"]`)];
    if (!inputs.length || inputs.every((i) => i.disabled)) return undefined;
    if (field.type === 'ATTACHMENT') return AttachmentField.valueOf(formEl, path);
    if (field.type === 'MULTIPLE_CHOICE') return inputs.filter((i) => i.checked).map((i) => i.value);
    if (inputs[0].type === 'radio') { const c = inputs.find((i) => i.checked); return c ? c.value : ''; }
    return inputs[0].value;
  }

  // The values as the API takes them: text per field, a list per multiple
  // choice, an array of {"_row", sub-fields...} per group.
  function collect(formEl, form) {
    const out = {};
    for (const f of form.fields) {
      if (f.type === 'GROUP') {
        const block = formEl.querySelector(`[data-group="${CSS.escape(f.name)}"]`);
        if (!block || block.hidden) continue;
        out[f.name] = [...block.querySelectorAll('tbody > tr[data-row]')].map((tr) => {
          const row = { _row: tr.dataset.row };
          for (const s of f.fields || []) {
            const v = valueOf(formEl, s, pathOf(s, tr.dataset.row, f));
            if (v !== undefined) row[s.name] = v;
          }
          return row;
        });
        continue;
      }
      const v = valueOf(formEl, f, f.name);
      if (v !== undefined) out[f.name] = v;
    }
    return out;
  }

  // Applies an evaluation reply ({relevant, required, computed}; see
  // client/ui/form_eval.h): hides what is not relevant (its inputs disabled,
  // so nothing hidden is sent or checked), marks what is required now, fills
  // computed fields. Paths the reply leaves out keep the definition's state.
  function applyEvaluation(formEl, reply) {
    const relevant = reply.relevant || {}, required = reply.required || {}, computed = reply.computed || {};
    formEl.querySelectorAll('[data-field]').forEach((block) => {
      const path = block.dataset.field;
      if (path in relevant) {
        const show = relevant[path] !== false;
        if (block.hidden === show) {
          block.hidden = !show;
          block.querySelectorAll('input, select, textarea, button').forEach((i) => { i.disabled = !show; });
        }
      }
      if (path in required) {
        const req = !!required[path];
        const mark = block.querySelector(':scope > label .req, :scope > fieldset > legend .req');
        if (mark) mark.hidden = !req;
        block.querySelectorAll('input:not([type=radio]):not([type=checkbox]):not(.computed), select, textarea')
          .forEach((i) => { if (i.closest('[data-field]') === block) i.required = req; });
        block.dataset.required = req ? 'true' : 'false';
      }
    });
    for (const [path, v] of Object.entries(computed)) {
      const el = formEl.querySelector(`[data-computed="${CSS.escape(path)}"]`);
      // A decimal is shown to two places (91.67, not 91.66666666666667); the stored value is the engine's.
      const shown = typeof v === 'number' && !Number.isInteger(v) ? String(Math.round(v * 100) / 100)
        : el && el.dataset.type === 'DATE' ? dmy(v) : String(v);
      if (el) el.value = v === null || v === undefined ? '' : shown;
    }
  }

  // Asks the C++ evaluation on every change (debounced; a late reply to an
  // older request is dropped) and applies it. `post(path, body)` is app.js's
  // api(); a failed call leaves the form as it is (everything shown).
  function wireEvaluation(formEl, form, post) {
    let timer = null, asked = 0;
    const run = async () => {
      const n = ++asked;
      const r = await post('/api/forms/' + encodeURIComponent(form.id) + '/evaluate', { values: collect(formEl, form) });
      if (n !== asked || r.status !== 200) return;
      applyEvaluation(formEl, r.data);
      formEl.dataset.evaluated = String(n);
    };
    const soon = () => { clearTimeout(timer); timer = setTimeout(run, 250); };
    formEl.addEventListener('input', soon);
    formEl.addEventListener('change', soon);
    run();
  }

  // The definition's own limits for one field value (required, numbers,
  // ranges, dates, times, lengths); [message, ...] or [].
  function checkValue(f, v, required) {
    if (f.compute) return [];
    const empty = Array.isArray(v) ? v.length === 0 : (v === '' || v === undefined || v === null);
    if (empty) return required ? [t('required')] : [];
    if (f.type === 'INTEGER' || f.type === 'DECIMAL') {
      const n = Number(v);
      if (!isFinite(n)) return [t('notNumber')];
      if (f.type === 'INTEGER' && !Number.isInteger(n)) return [t('notInteger')];
      const out = [];
      if (f.min !== undefined && n < f.min) out.push(t('atLeast', f.min));
      if (f.max !== undefined && n > f.max) out.push(t('atMost', f.max));
      return out;
    }
    if (f.type === 'DATE' && !/^\d{4}-\d{2}-\d{2}$/.test(v)) return [t('badDate')];
    if (f.type === 'TIME' && !/^([01]\d|2[0-3]):[0-5]\d$/.test(v)) return [t('badTime')];
    if (f.type === 'TEXT' && [...v].length > (f.max_length || 2000)) return [t('tooLong', f.max_length || 2000)];
    return [];
  }

  // Every problem the definition alone shows, as [path, message] pairs;
  // hidden (irrelevant) fields are skipped.
  function browserChecks(formEl, form, values) {
    const problems = [];
    const requiredNow = (path, f) => {
      const block = formEl.querySelector(`[data-field="${CSS.escape(path)}"]`);
      return block && block.dataset.required ? block.dataset.required === 'true' : !!f.required;
    };
    for (const f of form.fields) {
      if (!(f.name in values) && !f.compute) {
        const block = formEl.querySelector(`[data-field="${CSS.escape(f.name)}"]`);
        if (block && block.hidden) continue;
      }
      if (f.type === 'GROUP') {
        const rows = values[f.name] || [];
        if (f.min_rows && rows.length < f.min_rows) problems.push([f.name, t('rowsAtLeast', f.min_rows)]);
        if (f.max_rows && rows.length > f.max_rows) problems.push([f.name, t('rowsAtMost', f.max_rows)]);
        if (f.required && rows.length === 0) problems.push([f.name, t('required')]);
        for (const row of rows) {
          for (const s of f.fields || []) {
            const path = pathOf(s, row._row, f);
            if (!(s.name in row)) continue;  // hidden
            checkValue(s, row[s.name], requiredNow(path, s)).forEach((m) => problems.push([path, m]));
          }
        }
        continue;
      }
      if (!(f.name in values)) continue;
      checkValue(f, values[f.name], requiredNow(f.name, f)).forEach((m) => problems.push([f.name, m]));
    }
    return problems;
  }

  // What a value looks like in a list or a review: dd/mm/yyyy dates, choice
  // labels, "N rows" for a group.
  function shownValue(field, v) {
    if (v === null || v === undefined || v === '') return '';
    const label = (val) => { const c = (field.choices || []).find((c) => c.value === val); return c ? (c.label || c.value) : val; };
    switch (field.type) {
      case 'DATE': return dmy(v);
      case 'BOOLEAN': return v === true || v === 'true' ? t('yes') : t('no');
      case 'SINGLE_CHOICE': return label(v);
      case 'MULTIPLE_CHOICE': return (Array.isArray(v) ? v : String(v).split(',')).map(label).join(', ');
      case 'GROUP': return t('rowsCount', Array.isArray(v) ? v.length : 0);
      case 'ATTACHMENT': return AttachmentField.shown(v);
      default: return String(v);
    }
  }

  // The definition of the field at `path` (a name or GROUP[ROW].SUB).
  function fieldAt(form, path) {
    const m = /^([^[]+)\[[^\]]*\]\.(.+)$/.exec(path);
    if (!m) return form.fields.find((f) => f.name === path);
    const g = form.fields.find((f) => f.name === m[1]);
    return g && (g.fields || []).find((s) => s.name === m[2]);
  }

  // A stored record's fields as the form shows them: each GROUP's flattened
  // values ("group[row]" = position, "group[row].sub"; common/forms/field_path.h)
  // become the array of row objects with "_row" the page edits and sends.
  function withRows(form, fields) {
    const out = Object.assign({}, fields);
    for (const g of form.fields.filter((f) => f.type === 'GROUP')) {
      const rows = [];
      for (const [k, pos] of Object.entries(fields)) {
        const m = k.startsWith(g.name + '[') && /^\[([^\]]+)\]$/.exec(k.slice(g.name.length));
        if (m && pos !== null) rows.push({ id: m[1], pos: Number(pos) });
      }
      rows.sort((a, b) => a.pos - b.pos || (a.id < b.id ? -1 : 1));
      out[g.name] = rows.map((r) => {
        const row = { _row: r.id };
        for (const s of g.fields || []) {
          const v = fields[`${g.name}[${r.id}].${s.name}`];
          if (v !== undefined && v !== null) row[s.name] = v;
        }
        return row;
      });
    }
    return out;
  }

  return { withRows, withGroups, fieldBlock, collect, applyEvaluation, wireEvaluation, browserChecks, shownValue, fieldAt, newRowId };
})();
