// Typed protobuf values in a KvStore.
#pragma once
#include <string>
#include <string_view>

#include "common/store/kv_store.h"

namespace wardsync {

// NotFound is returned as is; a value that does not parse is Corruption.
template <typename M>
Status GetProto(KvReader& store, std::string_view key, M* msg) {
  std::string raw;
  Status s = store.Get(key, &raw);
  if (!s.ok()) return s;
  if (!msg->ParseFromString(raw)) return Status::Corruption("stored value under a key of kind '" +
                                                            std::string(key.substr(0, key.find('/'))) +
                                                            "' does not parse");
  return Status::Ok();
}

template <typename M>
void PutProto(WriteBatch& batch, std::string key, const M& msg) {
  batch.Put(std::move(key), msg.SerializeAsString());
}

}  // namespace wardsync
