#include "client/store/outbox_record_ids.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <functional>

namespace wardsync::client {

namespace {

using google::protobuf::internal::WireFormatLite;

// Field numbers along the path (proto/store.proto, proto/changes.proto).
constexpr int kOutboxSigned = 1;      // OutboxEntry.signed
constexpr int kSignedBody = 1;        // SignedChangeSet.body
constexpr int kBodyChanges = 7;       // ChangeSetBody.changes
constexpr int kChangeRecordId = 1;    // Change.record_id

// Calls `each` with the bytes of every length-delimited occurrence of field
// `number` in `message`, skipping every other field. False if `message` is
// not well-formed wire data or `each` says so.
bool ForEachBytesField(std::string_view message, int number, const std::function<bool(std::string_view)>& each) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(message.data()),
                                            static_cast<int>(message.size()));
  for (;;) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) return in.CurrentPosition() == static_cast<int>(message.size());
    if (WireFormatLite::GetTagFieldNumber(tag) == number &&
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      uint32_t length = 0;
      if (!in.ReadVarint32(&length)) return false;
      const int at = in.CurrentPosition();
      if (length > message.size() - static_cast<size_t>(at)) return false;
      if (!each(message.substr(static_cast<size_t>(at), length))) return false;
      if (!in.Skip(static_cast<int>(length))) return false;
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return false;
    }
  }
}

}  // namespace

Status AppendOutboxRecordIds(std::string_view outbox_entry, std::vector<std::string>* ids) {
  const bool ok = ForEachBytesField(outbox_entry, kOutboxSigned, [&](std::string_view signed_cs) {
    return ForEachBytesField(signed_cs, kSignedBody, [&](std::string_view body) {
      return ForEachBytesField(body, kBodyChanges, [&](std::string_view change) {
        return ForEachBytesField(change, kChangeRecordId, [&](std::string_view id) {
          ids->emplace_back(id);
          return true;
        });
      });
    });
  });
  if (!ok) return Status::Corruption("outbox entry does not parse");
  return Status::Ok();
}

}  // namespace wardsync::client
