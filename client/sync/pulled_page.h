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

 private:
  google::protobuf::Arena arena_;
  sync::Frame* frame_;  // on arena_
};

}  // namespace wardsync::client
