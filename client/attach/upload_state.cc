#include "client/attach/upload_state.h"

#include <map>

#include "client/attach/attachment_copy.h"
#include "client/store/client_keys.h"
#include "common/store/proto_io.h"
#include "common/util/files.h"
#include "proto/store.pb.h"

namespace wardsync::client::attach {

using wardsync::changes::Value;
using wardsync::store::AttachmentUpload;

namespace {

Status Save(ClientStore& store, const AttachmentUpload& up) {
  WriteBatch batch;
  PutProto(batch, keys::Attachment(up.attachment().sha256()), up);
  return store.kv().Write(batch, false);
}

AttachmentUpload Entry(const PendingAttachment& a) {
  AttachmentUpload up;
  *up.mutable_attachment() = a.value;
  up.set_path(a.path);
  up.set_record_id(a.record_id);
  up.set_field(a.field);
  return up;
}

}  // namespace

Result<std::vector<PendingAttachment>> PendingAttachments(ClientStore& store, const std::string& attachments_dir) {
  std::map<std::string, PendingAttachment> named;  // by hash: each once
  auto note = [&](const records::RecordState& r, const std::string& field, const Value& v) {
    if (v.kind_case() != Value::kAttachment || named.count(v.attachment().sha256())) return;
    PendingAttachment a;
    a.value = v.attachment();
    a.record_id = r.record_id();
    a.field = field;
    named.emplace(a.value.sha256(), std::move(a));
  };
  WS_RETURN_IF_ERROR(store.ForEachLocal(std::nullopt, [&](const records::RecordState& r) {
    if (r.deleted()) return;
    for (const auto& [name, fs] : r.fields()) note(r, name, fs.value());
    for (const auto& c : r.conflicts()) {
      if (!c.open()) continue;
      for (const auto& cand : c.candidates()) note(r, c.field(), cand.value());
    }
  }));
  std::vector<PendingAttachment> out;
  for (auto& [hash, a] : named) {
    AttachmentUpload up;
    Status s = GetProto(store.kv(), keys::Attachment(hash), &up);
    if (!s.ok() && !s.not_found()) return s;
    if (s.ok() && up.state() != AttachmentUpload::PENDING) continue;
    a.path = CopyPath(attachments_dir, hash);
    if (!util::Exists(a.path)) continue;  // not captured here: another device's to send
    if (s.ok()) {
      a.sent_bytes = up.sent_bytes();
      a.last_error = up.last_error();
    }
    out.push_back(std::move(a));
  }
  return out;
}

Result<Transfer> TransferOf(ClientStore& store, const std::string& attachments_dir, const changes::Attachment& value) {
  Transfer t;
  t.held = CheckHeld(attachments_dir, value).ok();
  AttachmentUpload up;
  Status s = GetProto(store.kv(), keys::Attachment(value.sha256()), &up);
  if (s.not_found()) return t;  // never offered yet (or another device's)
  if (!s.ok()) return s;
  t.on_server = up.state() == AttachmentUpload::DONE;
  t.sent_bytes = t.on_server ? value.size() : up.sent_bytes();
  t.last_error = up.last_error();
  return t;
}

Status NoteProgress(ClientStore& store, const PendingAttachment& a, uint64_t sent_bytes, const std::string& error) {
  AttachmentUpload up = Entry(a);
  up.set_sent_bytes(sent_bytes);
  up.set_last_error(error);
  return Save(store, up);
}

Status NoteDone(ClientStore& store, const PendingAttachment& a, uint64_t now_ms) {
  AttachmentUpload up = Entry(a);
  up.set_state(AttachmentUpload::DONE);
  up.set_sent_bytes(a.value.size());
  up.set_done_ms(now_ms);
  return Save(store, up);
}

}  // namespace wardsync::client::attach
