// The officer app: what the committee said about a record (its review state
// and the reviewers' comments, signed REVIEW changes pulled from the
// server) and a DUPLICATE conflict (another record of the same form and
// ward with the same unique key) with what the officer can do about it.
// Loaded after i18n.js and before app.js, which calls RecordState.* with its
// own h(), t(), api() and localTime().
'use strict';

Object.assign(TEXT.vi, {
  rv_unsent: 'chưa gửi', reviewUnsent: 'Phiếu chưa tới Ủy ban: sẽ được gửi ở lần đồng bộ tới.', rv_received: 'đã nhận', 'rv_needs-correction': 'cần sửa', rv_approved: 'đã duyệt', reviewTitle: 'Ủy ban xem xét',
  reviewReceived: 'Ủy ban đã nhận phiếu, chưa có kết luận.', reviewApproved: 'Ủy ban đã duyệt phiếu này.',
  reviewNeedsCorrection: 'Ủy ban trả lại phiếu này để sửa: xem nhận xét bên dưới, sửa rồi lưu. Sửa xong, phiếu trở về “đã nhận” để xem xét lại.',
  reviewApprovedEdit: 'Nếu sửa phiếu đã duyệt, phiếu trở về “đã nhận” và cần được duyệt lại.',
  reviewComments: 'Nhận xét', reviewStale: 'Nhận xét này đến sau khi phiếu đã được sửa: kết luận của nó không được áp dụng.',
  dupTitle: 'Phiếu này có thể trùng với một phiếu khác',
  dupExplain: 'Một phiếu khác cùng biểu mẫu, cùng phường/xã có cùng {0}. Ủy ban sẽ quyết định giữ cả hai hay xoá bản này.',
  dupOther: 'Phiếu đã có', dupThis: 'Phiếu này', dupOpen: 'Mở phiếu kia', dupMissing: 'Máy này chưa có phiếu kia: hãy đồng bộ.',
  dupWhatToDo: 'Bạn có thể:',
  dupAsk: 'Nếu đây là hai báo cáo khác nhau hoặc cùng một báo cáo gửi hai lần: báo Ủy ban (phiếu đã ở trong hàng đợi xem xét của Ủy ban), Ủy ban sẽ giữ cả hai hoặc xoá bản này.',
  dupEdit: 'Nếu nhập nhầm các ô khoá: sửa các ô đó bên dưới và lưu; khi không còn trùng, cảnh báo tự đóng.',
  dupEditButton: 'Sửa các ô khoá',
});
Object.assign(TEXT.en, {
  rv_unsent: 'not sent', reviewUnsent: 'The committee does not have this record yet: it goes at the next sync.', rv_received: 'received', 'rv_needs-correction': 'has issues', rv_approved: 'approved', reviewTitle: 'Committee review',
  reviewReceived: 'The committee has received this record; no verdict yet.', reviewApproved: 'The committee approved this record.',
  reviewNeedsCorrection: 'The committee sent this record back for correction: read the comments below, correct it and save. Once edited it returns to “received” for another review.',
  reviewApprovedEdit: 'Editing an approved record returns it to “received”: it has to be approved again.',
  reviewComments: 'Comments', reviewStale: 'This comment arrived after the record had been edited: its verdict was not applied.',
  dupTitle: 'This record may duplicate another one',
  dupExplain: 'Another record of the same form and ward has the same {0}. The committee decides whether to keep both or delete this copy.',
  dupOther: 'The record already held', dupThis: 'This record', dupOpen: 'Open the other record', dupMissing: 'This device does not hold the other record yet: sync.',
  dupWhatToDo: 'What you can do:',
  dupAsk: 'If these are two different reports, or one report sent twice: tell the committee (the record is already in its review queue); it keeps both or deletes this copy.',
  dupEdit: 'If a key field was typed wrong: correct it below and save; once the key no longer matches, the warning closes by itself.',
  dupEditButton: 'Correct the key fields',
});

const RecordState = (() => {
  // The review state: "unsent" while the server does not hold the record
  // (API "on_server": no pulled view of it yet).
  function stateOf(rec) {
    const st = (rec.review && rec.review.status) || 'received';
    return st === 'received' && rec.on_server === false ? 'unsent' : st;
  }

  // The review state as a tag: the same words in the list and on the record.
  function reviewTag(h, t, review) {
    const st = (review && review.status) || 'received';
    return h('span', { class: 'tag review-' + st, 'data-review': st }, t('rv_' + st));
  }

  // The committee's verdict and its comment thread, newest last.
  function reviewBox(h, t, localTime, rec) {
    const st = stateOf(rec);
    const comments = rec.comments || [];
    const note = st === 'needs-correction' ? t('reviewNeedsCorrection')
      : st === 'approved' ? t('reviewApproved') + ' ' + t('reviewApprovedEdit')
      : st === 'unsent' ? t('reviewUnsent') : t('reviewReceived');
    return h('section', { class: 'review-box review-' + st, id: 'record-review', 'data-review': st },
      h('h2', {}, t('reviewTitle'), ' ', reviewTag(h, t, { status: st })),
      h('p', {}, note),
      comments.length ? h('div', {}, h('h3', {}, t('reviewComments')),
        h('ol', { class: 'comments', id: 'review-comments' }, comments.map((c) => h('li', { 'data-review': c.status },
          h('div', { class: 'meta' }, reviewTag(h, t, c), ' ', c.by ? c.by.officer + ' · ' + localTime(c.by.time) : ''),
          c.text ? h('p', { class: 'comment' }, c.text) : '',
          c.stale ? h('p', { class: 'meta' }, t('reviewStale')) : '')))) : '');
  }

  // The key fields of a duplicate, from the conflict's "f=v, g=w" text.
  function keyFields(c) {
    return (c.unique_key || '').split(', ').map((p) => p.split('=')[0]).filter(Boolean);
  }

  // An open DUPLICATE conflict: both records' key values side by side, who
  // made each and when, and what the officer can do.
  async function duplicateBoxes(deps, form, rec) {
    const { h, t, api, localTime, shownValue, fieldAt } = deps;
    const open = (rec.conflicts || []).filter((c) => c.kind === 'duplicate' && c.open);
    const out = [];
    for (const c of open) {
      const keys = keyFields(c);
      const labels = keys.map((k) => { const f = fieldAt(form, k); return f ? f.label || k : k; });
      const r = c.duplicate_of ? await api('GET', '/api/records/' + c.duplicate_of) : { status: 404 };
      const other = r.status === 200 ? r.data : null;
      // The key fields first (bold), then every other plain field either record has.
      const has = (x, n) => x && x.fields && x.fields[n] !== undefined && x.fields[n] !== null;
      const shown = keys.concat(form.fields.filter((f) => f.type !== 'GROUP' && !keys.includes(f.name) &&
        (has(rec, f.name) || has(other, f.name))).map((f) => f.name));
      const side = (title, x, id) => h('div', { class: 'dup-side', 'data-record-id': id },
        h('h3', {}, title),
        x ? h('dl', {}, shown.flatMap((k) => {
          const f = fieldAt(form, k);
          const v = x.fields ? x.fields[k] : undefined;
          const key = keys.includes(k) ? 'key' : null;
          return [h('dt', { class: key }, f ? f.label || k : k),
            h('dd', { class: key, 'data-field': k }, (f ? shownValue(f, v) : String(v ?? '')) || t('empty'))];
        }), h('dt', {}, t('by')), h('dd', {}, x.created ? x.created.officer + ' · ' + localTime(x.created.time) : ''))
          : h('p', { class: 'meta' }, t('dupMissing')),
        x && id !== rec.id ? h('a', { href: '#/record/' + id, class: 'dup-open' }, t('dupOpen')) : '');
      const edit = h('button', { type: 'button', class: 'secondary', id: 'dup-edit', onclick: () => {
        const input = keys.map((k) => document.querySelector(`#record-form [name="${CSS.escape(k)}"]`)).find(Boolean);
        if (input) { input.scrollIntoView({ block: 'center' }); input.focus(); }
      } }, t('dupEditButton'));
      out.push(h('section', { class: 'dup-box', id: 'record-duplicate', 'data-conflict': c.id, 'data-duplicate-of': c.duplicate_of || '' },
        h('h2', {}, t('dupTitle')),
        h('p', {}, t('dupExplain', labels.join(', '))),
        h('div', { class: 'dup-pair' }, side(t('dupThis'), rec, rec.id), side(t('dupOther'), other, c.duplicate_of)),
        h('p', {}, h('strong', {}, t('dupWhatToDo'))),
        h('ul', {}, h('li', {}, t('dupAsk')), h('li', {}, t('dupEdit'), ' ', edit))));
    }
    return out;
  }

  return { reviewTag, reviewBox, duplicateBoxes };
})();
