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

// The message is serialised into a buffer this thread reuses (the batch
// copies the bytes into its encoding): no allocation per value.
template <typename M>
void PutProto(WriteBatch& batch, std::string_view key, const M& msg) {
  thread_local std::string buffer;
  buffer.clear();
  msg.AppendToString(&buffer);
  batch.Put(key, buffer);
  if (buffer.capacity() > (64 << 10)) std::string().swap(buffer);  // a large value's room is not kept
}

}  // namespace wardsync
