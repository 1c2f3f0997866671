// The record ids an outbox entry's change-set touches, read straight off
// its wire bytes (OutboxEntry.signed.body.changes[].record_id) without
// parsing the whole change-set: acknowledging a push of 500 change-sets
// parsed every field value of every change only to find which pend/ keys to
// delete, a third of the client's instructions in a backlog push.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace wardsync::client {

// Appends each change's record id, in order (duplicates kept). Corruption if
// the bytes are not a well-formed OutboxEntry along that path.
Status AppendOutboxRecordIds(std::string_view outbox_entry, std::vector<std::string>* ids);

}  // namespace wardsync::client
