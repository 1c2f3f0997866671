#include "client/attach/attachment_status.h"

#include "common/changes/changeset.h"

namespace wardsync::client::attach {

void StatusJson(const std::vector<PendingAttachment>& pending, util::JsonWriter& w) {
  w.Key("attachments_pending").BeginArray();
  for (const auto& a : pending) {
    w.BeginObject().Key("sha256").String(a.value.sha256()).Key("name").String(a.value.name());
    w.Key("media_type").String(a.value.media_type()).Key("size").Uint(a.value.size());
    w.Key("sent_bytes").Uint(a.sent_bytes).Key("record").String(changes_util::RecordIdText(a.record_id));
    w.Key("field").String(a.field);
    if (a.last_error.empty()) w.Key("last_error").Null();
    else w.Key("last_error").String(a.last_error);
    w.EndObject();
  }
  w.EndArray();
}

void TransferJson(const Transfer& t, util::JsonWriter& w) {
  w.BeginObject().Key("held").Bool(t.held).Key("on_server").Bool(t.on_server).Key("sent_bytes").Uint(t.sent_bytes);
  if (t.last_error.empty()) w.Key("last_error").Null();
  else w.Key("last_error").String(t.last_error);
  w.EndObject();
}

void StatusText(const std::vector<PendingAttachment>& pending, std::ostream& out) {
  out << "attachments:   " << pending.size() << " waiting to be sent" << (pending.empty() ? "\n" : ":\n");
  for (const auto& a : pending) {
    out << "  " << a.value.name() << " (" << a.value.media_type() << ", " << a.sent_bytes << "/" << a.value.size()
        << " bytes sent) of record " << changes_util::RecordIdText(a.record_id) << ", sha256 " << a.value.sha256();
    if (!a.last_error.empty()) out << "; last refused: " << a.last_error;
    out << "\n";
  }
}

}  // namespace wardsync::client::attach
