// The one narrow storage interface both server and client are written
// against. LevelDB is the embedded implementation (common/store/
// leveldb_store.h); a second engine (PostgreSQL) must give exactly what this
// header promises and nothing above it may rely on more. The conformance
// suite (tests/unit/store/, tag [store-conformance]) checks every promise
// below for every implementation.
//
// THE CONTRACT
//
// Keys and order. Keys and values are arbitrary bytes. Scans return keys in
// ascending unsigned byte order (ScanReverse: descending).
//
// Atomicity. A WriteBatch is applied all or nothing: no reader, and no
// process that opens the store after a crash, ever sees part of a batch.
//
// Durability and ordering of writes. Write(batch, sync=true) returns ok only
// once the batch, and every batch written before it (synced or not), is
// durable. An unsynced write may be lost in a crash, but writes are never
// reordered: after a crash the store holds a prefix of the writes in the
// order they were made (an unsynced write is lost only with every write
// after it, so a later synced write makes every earlier one durable).
//
// Reads. Get and a Scan/ScanReverse made on the store directly see every
// write that returned before the call. An iterator sees ONE consistent state
// of the store, the one at its creation: writes made while it is open are
// not seen, never half of a batch.
//
// Read views. NewReadView() pins the store's state at one instant: every
// Get and every iterator of the view sees exactly that state, however long
// the view lives and whatever is written meanwhile. Pull, verify, export
// and backup read through a view so that several reads (a log scan and the
// records it names) agree with each other. A view must be released (its
// destructor) before the store is destroyed; it holds old data alive, so
// long-lived views cost space.
//
// Fail-stop. After a Write fails (disk full, I/O error, lost connection),
// the store refuses every later Write until it is reopened; reads go on.
// A write that failed may or may not be durable, so the caller must treat
// its outcome as unknown and re-read what it needs (nothing after it can be
// acknowledged on top of an unknown state).
//
// Single writer. The server's store has exactly one writer thread (the
// group committer, server/ingest/group_committer.h); reads may come from
// any thread concurrently with it. Implementations must be safe for
// concurrent reads and one writer; the server checks the one-writer rule
// itself (server/store/single_writer_store.h).
//
// One opener per data directory. Only one process at a time opens a data
// directory's store; that is enforced by the directory's lock
// (common/store/dir_lock.h), taken before the store is opened (the factory,
// common/store/store_factory.h, takes it), never by an engine's error text.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/store/write_batch.h"

namespace wardsync {

// Iterates keys in ascending byte order. Valid() is false at the end or on
// error; status() then tells which. key() and value() stay valid until the
// next Next().
class KvIterator {
 public:
  virtual ~KvIterator() = default;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  virtual Status status() const = 0;
};

// What code that only reads is written against: the store itself or a read
// view of it.
class KvReader {
 public:
  virtual ~KvReader() = default;
  // NotFound is an ordinary answer.
  virtual Status Get(std::string_view key, std::string* value) = 0;
  // The values of many keys at once: (*values)[i] is keys[i]'s value, or
  // nullopt if it has none. Same answers as a Get per key; an engine where a
  // Get is a round trip (PostgreSQL) reads them in one. An error leaves
  // *values unspecified.
  virtual Status MultiGet(const std::vector<std::string>& keys, std::vector<std::optional<std::string>>* values) {
    values->assign(keys.size(), std::nullopt);
    for (size_t i = 0; i < keys.size(); ++i) {
      std::string v;
      Status s = Get(keys[i], &v);
      if (s.not_found()) continue;
      if (!s.ok()) return s;
      (*values)[i] = std::move(v);
    }
    return Status::Ok();
  }
  // Keys k with prefix <= k, starting at `start` (>= prefix) if given.
  virtual std::unique_ptr<KvIterator> Scan(std::string_view prefix, std::string_view start = {}) = 0;
  // Keys in [prefix, prefix+0xff...) in descending order (last key first).
  virtual std::unique_ptr<KvIterator> ScanReverse(std::string_view prefix) = 0;
};

// A read view: the store as it was when the view was made (see the contract).
class KvReadView : public KvReader {};

class KvStore : public KvReader {
 public:
  // sync=true: durable (on disk) when this returns ok, with every earlier write.
  virtual Status Write(const WriteBatch& batch, bool sync) = 0;
  // A view of the store's state now. Never null.
  virtual std::unique_ptr<KvReadView> NewReadView() = 0;
};

}  // namespace wardsync
