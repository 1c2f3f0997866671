// Which attachments this device still has to send, and how far each got.
//
// Pending = every attachment a live local record names (as its value or as
// a competing value of an open conflict) whose copy is in DIR/attachments
// and that the server has not confirmed yet. It is derived from the records,
// not kept as a list beside them, so no crash between copying a file and
// committing its change-set can lose or strand an upload: a copy no record
// names is never sent, a record naming a copy always is. An attachment
// pulled from another device's record has no copy here and is not ours to
// send. Progress (att/<hash>, store.AttachmentUpload) is bookkeeping: a lost
// update only costs an offer, whose answer says where the server is.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "client/store/client_store.h"
#include "common/status.h"
#include "proto/changes.pb.h"

namespace wardsync::client::attach {

struct PendingAttachment {
  wardsync::changes::Attachment value;
  std::string record_id;   // raw 16 bytes: a record naming it (the offer names it)
  std::string field;
  std::string path;        // the copy
  uint64_t sent_bytes = 0; // the server held this much at the last offer, plus what went since
  std::string last_error;  // the server's last refusal
};

// In order of hash; each hash once however many records name it (dedup).
Result<std::vector<PendingAttachment>> PendingAttachments(ClientStore& store, const std::string& attachments_dir);

// How far the bytes of one attachment value got, as far as this device
// knows (the officer app's record page).
struct Transfer {
  bool held = false;        // this device holds the bytes (it attached them here)
  bool on_server = false;   // the server confirmed it holds them (att/<hash> DONE)
  uint64_t sent_bytes = 0;  // while not yet confirmed
  std::string last_error;   // the server's last refusal
};
Result<Transfer> TransferOf(ClientStore& store, const std::string& attachments_dir,
                            const wardsync::changes::Attachment& value);

// Bookkeeping (not synced to disk).
Status NoteProgress(ClientStore& store, const PendingAttachment& a, uint64_t sent_bytes, const std::string& error);
Status NoteDone(ClientStore& store, const PendingAttachment& a, uint64_t now_ms);

}  // namespace wardsync::client::attach
