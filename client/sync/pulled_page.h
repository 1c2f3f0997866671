// One received frame parsed into a protobuf arena of its own, so that a
// pull page's records are allocated from a few large blocks and freed all
// at once with the arena once the pull writer stored them (pull_writer.h).
// Freeing a page's parsed records one by one was a quarter of the writer
// thread's instructions on a first pull (bench/README.md, session 12).
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
  const google::protobuf::RepeatedPtrField<records::RecordState>& records() const {
    return frame_->pull_batch().records();
  }
  // Appends a copy of `r` (on the page's arena).
  void Add(const records::RecordState& r) { frame_->mutable_pull_batch()->add_records()->CopyFrom(r); }

  // The bytes the frame was parsed from (FramedStream::ReadInto fills it).
  std::string& bytes() { return bytes_; }
  // For a pull page, before any record is added: finds each received
  // record's serialized bytes in bytes(), so the store keeps them as they
  // came instead of serializing the parsed record again (that was 40% of
  // the pull writer's work). If they cannot be matched one to one with the
  // parsed records, none are kept and the store serializes.
  void IndexRecordBytes();
  // record_bytes()[i] is records()[i] as received; records added after
  // IndexRecordBytes have none.
  const std::vector<std::string_view>& record_bytes() const { return record_bytes_; }

 private:
  google::protobuf::Arena arena_;
  sync::Frame* frame_;  // on arena_
  std::string bytes_;
  std::vector<std::string_view> record_bytes_;  // into bytes_
};

}  // namespace wardsync::client
