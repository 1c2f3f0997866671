// One received frame: a pull page's records kept as the bytes they came in,
// the rest of the frame parsed into a protobuf arena of its own (records
// completed from own echoes are added there), all freed at once once the
// pull writer stored them (pull_writer.h).
//
// The arena is declared first, so it outlives the frame it holds; the page
// is moved between threads only as a whole (unique_ptr), never shared.
#pragma once
#include <google/protobuf/arena.h>
#include <google/protobuf/repeated_ptr_field.h>

#include <string>
#include <string_view>
#include <vector>

#include "proto/records.pb.h"
#include "proto/sync.pb.h"

namespace wardsync::client {

class PulledPage {
 public:
  PulledPage();
  PulledPage(const PulledPage&) = delete;
  PulledPage& operator=(const PulledPage&) = delete;

  sync::Frame& frame() { return *frame_; }
  // The bytes of the frame as received and opened (FramedStream::ReadBytes
  // fills them).
  std::string& bytes() { return bytes_; }

  // For a pull page: keeps each record as the bytes it came in (received(),
  // views into bytes()) and sets *rest to the rest of the frame, to be
  // parsed into frame(): the device stores a pulled record as it came and
  // reads what it needs of it from those bytes (wire::ScanRecordHead), so
  // it never builds the parsed records (that was most of its io thread on
  // a first pull). False, nothing kept, if bytes() is not a pull page: then
  // parse bytes() itself.
  bool TakeRecords(std::string* rest);
  const std::vector<std::string_view>& received() const { return received_; }

  // Records added after the parse (own echoes completed, on the page's
  // arena): stored after the received ones, as if they had come last.
  const google::protobuf::RepeatedPtrField<records::RecordState>& records() const {
    return frame_->pull_batch().records();
  }
  // Appends a copy of `r` (on the page's arena).
  void Add(const records::RecordState& r) { frame_->mutable_pull_batch()->add_records()->CopyFrom(r); }
  size_t record_count() const { return received_.size() + static_cast<size_t>(records().size()); }

 private:
  google::protobuf::Arena arena_;
  sync::Frame* frame_;  // on arena_
  std::string bytes_;
  std::vector<std::string_view> received_;  // into bytes_
};

}  // namespace wardsync::client
