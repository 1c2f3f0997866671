#include "bench/loadgen/sim_device.h"

#include "common/changes/changeset.h"
#include "common/clock/hlc.h"
#include "common/crypto/digest.h"
#include "proto/sync.pb.h"

namespace wardsync::bench {

void SimDevice::Prepare(size_t records, uint64_t hlc_ms) {
  wardsync::sync::Frame frame;
  auto* push = frame.mutable_push();
  for (size_t r = 0; r < records; ++r) {
    wardsync::changes::ChangeSetBody body;
    body.set_format(1);
    body.set_device_id(who_.id);
    body.set_seq(++seq_);
    body.set_prev_hash(last_hash_);
    body.set_hlc(HybridLogicalClock::Make(hlc_ms, static_cast<uint16_t>(seq_ & 0xffff)));
    body.set_officer(fleet_.officer);
    body.set_key_epoch(0);
    auto* c = body.add_changes();
    *c = fleet_.templates[template_++ % fleet_.templates.size()];
    c->set_record_id(changes_util::NewRecordId());
    c->set_ward(who_.ward);
    auto* cs = push->add_change_sets();
    cs->set_body(body.SerializeAsString());
    last_hash_ = crypto::Sha256(cs->body());
    // The run's head carries the signature; the others travel without one.
    if (r + 1 == records) cs->set_signature(who_.key.Sign(crypto::kChangeSetContext, cs->body()));
  }
  pushes_.push_back(PreparedPush{seq_, frame.SerializeAsString()});
}

std::vector<const PreparedPush*> SimDevice::TakeRound() {
  std::vector<const PreparedPush*> out;
  const size_t n = std::min(pushes_.size(), sent_ + 1);
  for (size_t i = 0; i < n; ++i) out.push_back(&pushes_[i]);
  sent_ = n;
  return out;
}

void SimDevice::Acknowledge(uint64_t seq) {
  if (seq <= acked_) return;
  acked_ = seq;
  while (!pushes_.empty() && pushes_.front().last_seq <= seq) {
    pushes_.pop_front();
    if (sent_ > 0) --sent_;
  }
}

asio::ip::address_v4 SourceAddress(size_t i) {
  const size_t a = i / 250;
  return asio::ip::address_v4((127u << 24) | ((10u + static_cast<uint32_t>(a / 250)) << 16) |
                              (static_cast<uint32_t>(a % 250) << 8) | static_cast<uint32_t>(i % 250 + 1));
}

}  // namespace wardsync::bench
