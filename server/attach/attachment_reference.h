// Whether a device may send the bytes of an attachment: only bytes that a
// stored record of its scope names are taken (nobody uploads arbitrary
// bytes). The record named in the offer must be in the device's read scope
// and hold the attachment in that field: as its value, or as a competing
// value of an open conflict (both are kept until a person decides). The
// value found gives the size and media type the bytes must have.
#pragma once
#include <optional>
#include <string>

#include "common/status.h"
#include "common/store/kv_store.h"
#include "proto/changes.pb.h"
#include "server/attach/attachment_files.h"

namespace wardsync::server::attach {

// The value naming `hash`, or nullopt with *refusal set (NOT_REFERENCED or
// WRONG_SIZE). `scope` as server::ReadScope ("" = every ward). A store
// failure is an error Status. Reads only (any thread; never an io thread).
Result<std::optional<wardsync::changes::Attachment>> FindReference(KvStore& store, const std::string& scope,
                                                                   const std::string& record_id,
                                                                   const std::string& field, const std::string& hash,
                                                                   uint64_t size, Refusal* refusal);

}  // namespace wardsync::server::attach
