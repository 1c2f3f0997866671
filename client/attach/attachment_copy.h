// `--attach FIELD=FILE`: the officer's file becomes an attachment value.
// The bytes are copied into the data directory (DIR/attachments/<sha256>,
// written to a temporary file, synced, renamed, directory synced) BEFORE the
// change-set naming them is committed, so a record never names bytes this
// device could lose in a crash. The copy is what the sync sends; the
// officer's file may be moved or deleted afterwards.
#pragma once
#include <string>

#include "common/status.h"
#include "proto/changes.pb.h"
#include "proto/forms.pb.h"

namespace wardsync::client::attach {

// DIR/attachments/<sha256 hex>.
std::string CopyPath(const std::string& attachments_dir, const std::string& sha256_hex);

struct Copied {
  wardsync::changes::Attachment value;
  bool created = false;  // this call made the copy (it was not there yet)
};

// Where the bytes come from: the officer's file (`--attach`), or the
// officer app's upload spooled to a temporary file (client/ui/
// attachment_intake.h), which names the file as the browser did and says
// which media type it claims.
struct CopySource {
  std::string file;          // read, never moved or changed
  std::string name;          // the value's name; "" = the file's own name
  std::string claimed_type;  // "" = whatever the first bytes show; else they must show this
};

// Reads the source's file, recognises its type by its first bytes, checks it
// against the field's limits (ValidateValue's words) and copies it durably
// into `attachments_dir` (made if missing). Nothing is written if it is refused.
Result<Copied> CopyIn(const std::string& attachments_dir, const CopySource& source,
                      const wardsync::forms::FormDef& form, const wardsync::forms::FieldDef& field);
inline Result<Copied> CopyIn(const std::string& attachments_dir, const std::string& file,
                             const wardsync::forms::FormDef& form, const wardsync::forms::FieldDef& field) {
  return CopyIn(attachments_dir, CopySource{file, "", ""}, form, field);
}

// Whether this device holds the bytes `value` names (its copy, of its size):
// a record may name only bytes the device can send. Invalid, saying so, if not.
Status CheckHeld(const std::string& attachments_dir, const wardsync::changes::Attachment& value);

// Undoes a copy CopyIn created when the capture it was for is refused.
void RemoveCopy(const std::string& attachments_dir, const Copied& copied);

}  // namespace wardsync::client::attach
