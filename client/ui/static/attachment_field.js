// The officer app's attachment field (a photo or PDF of the signed paper
// minutes). The chosen file is sent at once to POST /api/attachments
// (client/ui/attachment_intake.h), which checks it and copies it into this
// device's store; the field's value is then the reply ({"sha256", "size",
// "media_type", "name"}), saved with the form like any other value. On a
// record page it also says whether the bytes have reached the server (GET
// /api/records/ID "attachments"). The checks here (type, size) only spare an
// upload: the agent decides. Loaded after i18n.js and before form_render.js;
// uses h(), t(), lang, csrf and failure() of app.js at run time.
'use strict';

Object.assign(TEXT.vi, {
  attLimits: 'Nhận tệp {0}, tối đa {1}.', attOr: ' hoặc ', attNone: 'Chưa có tệp nào.', attChoose: 'Chọn tệp…', attReplace: 'Chọn tệp khác…',
  attRemove: 'Bỏ tệp', attUploading: 'Đang tải tệp lên máy này… {0}%', attReady: 'Đã nhận tệp. Bấm “Lưu” để lưu tệp cùng phiếu.',
  attRemoved: 'Đã bỏ tệp. Bấm “Lưu” để lưu thay đổi.', attOnServer: 'Đã gửi lên máy chủ.',
  attPending: 'Chưa gửi lên máy chủ: tệp sẽ được gửi ở lần đồng bộ tới.', attPartly: 'Đang gửi lên máy chủ: đã gửi {0} / {1}.',
  attNotHere: 'Tệp nằm trên máy đã đính kèm nó; máy này không có bản sao.', attRefusedBy: 'Máy chủ từ chối lần trước: {0}',
  attType: 'Chỉ nhận {0}.', attTooLarge: 'Tệp lớn quá: {0}, tối đa {1}.', attEmpty: 'Tệp rỗng.', attCut: 'Tệp chưa tải xong: hãy chọn lại.',
  attNotMedia: 'Tệp không phải ảnh JPEG, PNG hay tệp PDF (kiểm theo nội dung tệp).',
  attMagic: 'Nội dung tệp là {0}, không phải {1} như tên tệp cho biết.', attFailed: 'Không tải được tệp lên.', attNetwork: 'Mất kết nối tới chương trình trên máy này: hãy thử lại.',
  attBusy: 'Tệp đang được tải lên: hãy chờ xong rồi bấm “Lưu”.', attSummary: 'Tệp đính kèm', attBytes: '{0} byte', attFileOf: 'Tệp của ô “{0}”',
});
Object.assign(TEXT.en, {
  attLimits: 'Accepted: {0}, at most {1}.', attOr: ' or ', attNone: 'No file yet.', attChoose: 'Choose a file…', attReplace: 'Choose another file…',
  attRemove: 'Remove the file', attUploading: 'Uploading the file to this device… {0}%', attReady: 'File received. Press “Save” to keep it with the record.',
  attRemoved: 'File removed. Press “Save” to keep the change.', attOnServer: 'Sent to the server.',
  attPending: 'Not yet sent to the server: it goes at the next sync.', attPartly: 'Being sent to the server: {0} of {1} sent.',
  attNotHere: 'The file is on the device that attached it; this device has no copy.', attRefusedBy: 'The server refused it last time: {0}',
  attType: 'Only {0}.', attTooLarge: 'The file is too large: {0}, at most {1}.', attEmpty: 'The file is empty.', attCut: 'The upload did not finish: choose the file again.',
  attNotMedia: 'The file is not a JPEG or PNG image or a PDF (checked by its content).',
  attMagic: 'The file\'s content is {0}, not {1} as its name says.', attFailed: 'The file was not uploaded.', attNetwork: 'Lost the connection to the program on this device: try again.',
  attBusy: 'A file is still uploading: wait for it, then press “Save”.', attSummary: 'Attachments', attBytes: '{0} bytes', attFileOf: 'File of “{0}”',
});

const AttachmentField = (() => {
  const NAMES = { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'application/pdf': 'PDF' };
  const ALL = ['image/jpeg', 'image/png', 'application/pdf'];
  const typesOf = (field) => (field.media_types && field.media_types.length ? field.media_types : ALL);
  // uint64 is a string in protobuf's JSON; 0 (absent) means the 10 MiB of issue 13.
  const maxOf = (field) => Number(field.max_bytes) || 10 * 1024 * 1024;
  const typeName = (mt) => NAMES[mt] || mt;
  const typeList = (field) => {
    const names = typesOf(field).map(typeName);
    return names.length > 1 ? names.slice(0, -1).join(', ') + t('attOr') + names[names.length - 1] : names[0];
  };

  // 2,4 MB / 310 KB / 12 byte, in the officer's language.
  function size(n) {
    const f = (x, d) => x.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: d });
    if (n >= 1024 * 1024) return f(n / (1024 * 1024), 1) + ' MB';
    if (n >= 1024) return f(n / 1024, 0) + ' KB';
    return t('attBytes', n);
  }

  // The value in a list or a review: its name and size.
  function shown(v) { return v && typeof v === 'object' ? `${v.name} (${size(Number(v.size))})` : String(v ?? ''); }

  // Where the stored value's bytes are (API "attachments": held, on_server, sent_bytes, last_error).
  function transferText(v, tr) {
    if (!tr) return null;
    if (tr.on_server) return h('span', { class: 'ok', 'data-transfer': 'on-server' }, t('attOnServer'));
    if (!tr.held) return h('span', { 'data-transfer': 'elsewhere' }, t('attNotHere'));
    return h('span', { class: 'att-pending', 'data-transfer': 'pending' },
      tr.sent_bytes > 0 ? t('attPartly', size(tr.sent_bytes), size(Number(v.size))) : t('attPending'),
      tr.last_error ? h('span', { class: 'sub' }, t('attRefusedBy', ''), h('span', { lang: 'en' }, tr.last_error)) : '');
  }

  // The file now held (or none): name, size and type, and `note` under it.
  function card(v, note) {
    if (!v) return h('p', { class: 'att-none' }, note || t('attNone'));
    return h('div', { class: 'att-file', 'data-sha256': v.sha256 },
      h('span', { class: 'att-icon', 'aria-hidden': 'true' }, typeName(v.media_type)),
      h('span', { class: 'att-about' },
        h('strong', { class: 'att-name' }, v.name),
        h('span', { class: 'sub' }, size(Number(v.size)), ' · ', typeName(v.media_type)),
        note ? h('span', { class: 'sub att-note' }, note) : ''));
  }

  // The field's controls: limits, the file held, progress, the picker (a
  // real <input type=file name=PATH>, shown as a button) and "remove".
  // `value`: the stored value or null; `transfer`: its bytes' state.
  function control(field, value, path, id, transfer) {
    const limitsId = 'limits-' + id;
    const wrap = h('div', { class: 'att', 'data-attachment': path, 'data-value': value ? JSON.stringify(value) : '' });
    const current = h('div', { class: 'att-current', 'aria-live': 'polite' });
    const bar = h('progress', { max: 100, value: 0 });
    const barText = h('span', {});
    const progress = h('div', { class: 'att-progress', hidden: true }, bar, barText);
    const input = h('input', { type: 'file', class: 'file-input', id, name: path, accept: typesOf(field).join(','),
      'aria-describedby': [field.help ? 'help-' + id : null, limitsId].filter(Boolean).join(' ') });
    const choose = h('label', { for: id, class: 'button secondary att-choose' });
    const remove = h('button', { type: 'button', class: 'danger att-remove' }, t('attRemove'));
    const set = (v, note) => {
      wrap.dataset.value = v ? JSON.stringify(v) : '';
      current.replaceChildren(card(v, note));
      choose.textContent = v ? t('attReplace') : t('attChoose');
      remove.hidden = !v;
    };
    const say = (text) => {
      wrap.querySelectorAll('.msg').forEach((m) => m.remove());
      if (text) wrap.append(h('p', { class: 'msg', role: 'alert', 'data-for': path }, text));
    };
    set(value, transferText(value, transfer));

    input.addEventListener('change', () => {
      const file = input.files[0];
      if (!file) return;
      say('');
      const problem = !typesOf(field).includes(file.type) ? t('attType', typeList(field))
        : file.size === 0 ? t('attEmpty')
        : file.size > maxOf(field) ? t('attTooLarge', size(file.size), size(maxOf(field))) : '';
      if (problem) { input.value = ''; say(problem); return; }
      upload(file);
    });
    remove.addEventListener('click', () => {
      say('');
      set(null, t('attRemoved'));
      input.value = '';
      input.focus();
      wrap.dispatchEvent(new Event('change', { bubbles: true }));
    });

    function upload(file) {
      const form = input.closest('form');
      const submit = form && form.querySelector('button[type=submit]');
      const busy = (on) => {
        wrap.dataset.uploading = on ? 'true' : '';
        progress.hidden = !on;
        input.disabled = on;
        remove.disabled = on;
      };
      const show = (pct) => { bar.value = pct; barText.textContent = t('attUploading', pct); };
      busy(true);
      show(0);
      const xhr = new XMLHttpRequest();
      xhr.open('POST', '/api/attachments?' + new URLSearchParams({ form: form ? form.dataset.form : '', field: field.name, name: file.name }));
      xhr.setRequestHeader('X-CSRF-Token', csrf);
      xhr.setRequestHeader('Content-Type', file.type);
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) show(Math.floor((e.loaded * 100) / e.total)); };
      xhr.onload = () => {
        busy(false);
        input.value = '';
        let data = null;
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
        if (xhr.status === 201 && data) {
          set(data, t('attReady'));
          wrap.dispatchEvent(new Event('change', { bubbles: true }));
        } else {
          say(refusal(field, xhr.status, data));
        }
        input.focus();
      };
      xhr.onerror = () => { busy(false); input.value = ''; say(t('attNetwork')); input.focus(); };
      xhr.send(file);
    }

    wrap.append(current, progress, h('div', { class: 'actions att-actions' }, input, choose, remove));
    return [h('p', { class: 'help att-limits', id: limitsId }, t('attLimits', typeList(field), size(maxOf(field)))), wrap];
  }

  // The agent's refusal (its "code", attachment_intake.h) in the officer's words.
  function refusal(field, status, data) {
    const code = data && data.code, p = (data && data.params) || {};
    switch (code) {
      case 'media_type': return t('attType', typeList(field));
      case 'too_large': return t('attTooLarge', size(Number(p.size)), size(Number(p.max_bytes)));
      case 'empty': return t('attEmpty');
      case 'not_media': return t('attNotMedia');
      case 'magic': return t('attMagic', typeName(p.found), typeName(p.claimed));
      case 'cut': return t('attCut');
      default: return failure(t('attFailed'), { status, data });
    }
  }

  // A record page's summary, above the form: each attachment of the record
  // with its field, name, size, type and where its bytes are.
  function summary(form, rec) {
    const items = form.fields.filter((f) => f.type === 'ATTACHMENT' && rec.fields[f.name] && typeof rec.fields[f.name] === 'object');
    if (!items.length) return '';
    return h('section', { class: 'att-summary', id: 'record-attachments' }, h('h2', {}, t('attSummary')),
      h('ul', {}, items.map((f) => {
        const v = rec.fields[f.name];
        return h('li', { 'data-summary-field': f.name }, h('span', { class: 'sub' }, f.label || f.name),
          card(v, transferText(v, (rec.attachments || {})[f.name])));
      })));
  }

  // The field's value for the API: the uploaded value, or null when there is none.
  function valueOf(formEl, path) {
    const wrap = formEl.querySelector(`[data-attachment="${CSS.escape(path)}"]`);
    return wrap && wrap.dataset.value ? JSON.parse(wrap.dataset.value) : null;
  }

  // True while a file of the form is still uploading (the save waits).
  const uploading = (formEl) => !!formEl.querySelector('[data-attachment][data-uploading=true]');

  return { control, valueOf, shown, uploading, summary };
})();
