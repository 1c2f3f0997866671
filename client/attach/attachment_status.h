// What `wardsync status` and `sync` say about attachments: each one still
// to send, with the bytes the server holds or was sent, and its last refusal.
#pragma once
#include <ostream>
#include <vector>

#include "client/attach/upload_state.h"
#include "common/util/json_writer.h"

namespace wardsync::client::attach {

// "attachments_pending": [{sha256, name, media_type, size, sent_bytes, record, field, last_error}]
void StatusJson(const std::vector<PendingAttachment>& pending, util::JsonWriter& w);
// {"held", "on_server", "sent_bytes", "last_error"} of one value (TransferOf).
void TransferJson(const Transfer& t, util::JsonWriter& w);
// "attachments:  N waiting to be sent" and one line each.
void StatusText(const std::vector<PendingAttachment>& pending, std::ostream& out);

}  // namespace wardsync::client::attach
