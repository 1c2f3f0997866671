// The server's attachment bytes: content-addressed files under
// DIR/attachments (not in the store; docs/DESIGN.md, "Attachments" says why).
//
//   DIR/attachments/<sha256 hex>          complete, hash checked, durable
//   DIR/attachments/partial/<sha256 hex>  bytes [0, size) received so far
//
// A transfer appends each chunk at the partial file's end (its size is the
// resume point, reported in the next offer); on the last byte the whole
// file is hashed, its first bytes checked against the media type, synced,
// and renamed into place with the directory synced: a complete file is
// there only once it is whole, right and durable. A partial file is not
// synced per chunk: a crash may shorten it (resumed from what is there) and
// anything else is caught by the hash at the end (discarded, sent again).
//
// Thread-safe. One transfer per hash at a time: Claim() gives a hash to one
// connection; others are told BUSY until it is released. Blocking file I/O:
// call from a thread pool, never from an io thread.
#pragma once
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "common/status.h"
#include "proto/sync.pb.h"

namespace wardsync::server::attach {

struct Refusal {
  wardsync::sync::AttachmentRefusal reason = wardsync::sync::ATTACHMENT_REFUSAL_UNSPECIFIED;
  std::string message;
};

class AttachmentFiles {
 public:
  // `dir` is DIR/attachments; made (with partial/) on first use.
  explicit AttachmentFiles(std::string dir) : dir_(std::move(dir)) {}

  std::string CompletePath(std::string_view hash) const { return dir_ + "/" + std::string(hash); }
  std::string PartialPath(std::string_view hash) const { return dir_ + "/partial/" + std::string(hash); }
  bool Has(std::string_view hash) const;

  // One connection at a time per hash; false if another holds it.
  bool Claim(const std::string& hash);
  void Release(const std::string& hash);

  // Bytes already received of `hash` (a partial file longer than `size`,
  // which no honest transfer leaves, is discarded: 0).
  Result<uint64_t> Resume(const std::string& hash, uint64_t size);
  // Appends `data` at `offset`, which must be the partial file's size, and
  // would not take it beyond `size`. Returns the new size.
  Result<uint64_t> Append(const std::string& hash, uint64_t offset, std::string_view data, uint64_t size,
                          std::optional<Refusal>* refusal);
  // The partial file is whole (`size` bytes): checks its SHA-256 against
  // `hash` and its first bytes against `media_type`, then makes it the
  // durable complete file. On a mismatch the partial bytes are discarded and
  // the refusal says why; a storage failure is an error Status.
  Result<std::optional<Refusal>> Complete(const std::string& hash, uint64_t size, const std::string& media_type);

 private:
  Status EnsureDirs();

  std::string dir_;
  std::mutex mu_;
  std::set<std::string> claimed_;
  bool dirs_made_ = false;
};

}  // namespace wardsync::server::attach
