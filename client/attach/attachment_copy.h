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

// Reads `file`, recognises its type by its first bytes, checks it against
// the field's limits (ValidateValue's words) and copies it durably into
// `attachments_dir` (made if missing). Nothing is written if it is refused.
Result<Copied> CopyIn(const std::string& attachments_dir, const std::string& file,
                      const wardsync::forms::FormDef& form, const wardsync::forms::FieldDef& field);

// Undoes a copy CopyIn created when the capture it was for is refused.
void RemoveCopy(const std::string& attachments_dir, const Copied& copied);

}  // namespace wardsync::client::attach
