#include "client/sync/own_echo_client.h"

#include "common/wire/protocol_limits.h"

namespace wardsync::client {

Status OwnEchoExpectation::Prepare(ClientStore& store, const std::string& device_id, uint64_t from_seq,
                                   uint64_t to_seq) {
  range_ = {device_id, from_seq, to_seq};
  expected_.clear();
  digests_.clear();
  if (from_seq == 0 || from_seq > to_seq) return Status::Ok();
  auto local = store.PendingLocalRecords(wire::kMaxOwnDigests);
  if (!local.ok()) return local.status();
  if (!local->has_value()) return Status::Ok();  // too many: full pages
  for (const auto& r : **local) {
    expected_.push_back(echo::Normalize(r, range_));
    digests_.push_back(echo::Digest(expected_.back()));
  }
  return Status::Ok();
}

void OwnEchoExpectation::AddTo(sync::PullRequest* request) const {
  if (digests_.empty()) return;
  request->set_own_from_seq(range_.from_seq);
  request->set_own_to_seq(range_.to_seq);
  for (uint64_t d : digests_) request->add_own_digests(d);
}

Status OwnEchoExpectation::Complete(sync::PullBatch* page) const {
  const sync::PullBatch& batch = *page;
  if (batch.own_size() == 0) return Status::Ok();
  if (batch.received_seq_size() != batch.received_ms_size()) {
    return Status::Invalid("pull page: received_seq and received_ms differ in length");
  }
  echo::ReceivedTimes times;
  for (int i = 0; i < batch.received_seq_size(); ++i) times[batch.received_seq(i)] = batch.received_ms(i);
  for (const auto& own : batch.own()) {
    if (own.index() >= expected_.size()) {
      return Status::Invalid("pull page acknowledges own record " + std::to_string(own.index()) +
                             " but this device sent " + std::to_string(expected_.size()) + " digests");
    }
  }
  // Adding records while iterating own(): another field, never reallocated by it.
  for (const auto& own : batch.own()) {
    records::RecordState* r = page->add_records();  // on the page's arena, if it has one
    *r = expected_[own.index()];
    echo::Fill(r, range_, times, own.log_seq());
  }
  return Status::Ok();
}

}  // namespace wardsync::client
