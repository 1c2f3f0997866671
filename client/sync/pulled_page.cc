#include "client/sync/pulled_page.h"

#include "common/wire/frame_scan.h"

namespace wardsync::client {

namespace {
google::protobuf::ArenaOptions PageArenaOptions() {
  google::protobuf::ArenaOptions o;
  // A page is tens to hundreds of kilobytes of records: start at 16 KiB
  // (a small frame, an acknowledgement, costs one such block) and grow
  // to 256 KiB blocks instead of the default 8 KiB.
  o.start_block_size = 16 << 10;
  o.max_block_size = 256 << 10;
  return o;
}
}  // namespace

PulledPage::PulledPage()
    : arena_(PageArenaOptions()), frame_(google::protobuf::Arena::CreateMessage<sync::Frame>(&arena_)) {}

bool PulledPage::TakeRecords(std::string* rest) {
  if (wire::FrameType(bytes_) != sync::Frame::kPullBatchFieldNumber) return false;
  if (wire::SplitPullBatch(bytes_, &received_, rest)) return true;
  received_.clear();
  return false;
}

}  // namespace wardsync::client
