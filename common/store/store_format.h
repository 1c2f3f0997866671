// The format stamp of a store (store.StoreFormat under kStoreFormatKey):
// which key layout and which version of it the store holds. Checked at
// every open, so a binary never reads (or, worse, writes) a store laid out
// by another version: a mismatch is refused with both versions named.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "common/store/kv_store.h"

namespace wardsync {

inline constexpr std::string_view kStoreFormatKey = "meta/store_format";

struct ExpectedFormat {
  std::string layout;      // e.g. "wardsync-server"
  uint32_t version = 0;
};

enum class MissingStamp {
  kStamp,    // `init` and `run`: a store without a stamp (made before it existed) is stamped now
  kAccept,   // other commands: read it as the current version, write no stamp
};

// Ok when the store is of `expected` (or has no stamp, per `missing`).
// `engine` and `stamped_by` are written into a new stamp.
Status CheckStoreFormat(KvStore& store, const ExpectedFormat& expected, MissingStamp missing,
                        std::string_view engine, std::string_view stamped_by);

// The stamp itself, for tests and for writing one into a new store.
std::string EncodeStoreFormat(const ExpectedFormat& format, std::string_view engine, std::string_view stamped_by);

}  // namespace wardsync
