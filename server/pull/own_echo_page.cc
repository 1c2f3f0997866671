#include "server/pull/own_echo_page.h"

#include "proto/sync.pb.h"

namespace wardsync::server {

void LeaveOutOwnEchoes(RawPullPage& page, const OwnEchoAsk& ask) {
  if (ask.empty() || page.records.empty()) return;
  sync::PullBatch extra;  // only the echo fields; appended to the encoded page
  echo::ReceivedTimes times;
  std::vector<std::string> kept;
  kept.reserve(page.records.size());
  // kept_before[i]: how many of the first i records stay (the runs'
  // and segments' positions move with them).
  std::vector<size_t> kept_before;
  kept_before.reserve(page.records.size() + 1);
  for (std::string& bytes : page.records) {
    kept_before.push_back(kept.size());
    records::RecordState stored;
    const auto keep = [&] { kept.push_back(std::move(bytes)); };
    if (!stored.ParseFromString(bytes)) {
      keep();
      continue;
    }
    const records::RecordState normalized = echo::Normalize(stored, ask.range);
    const auto hit = ask.index.find(echo::Digest(normalized));
    if (hit == ask.index.end()) {
      keep();
      continue;
    }
    // One received_ms per change-set for the whole page, as the device fills them.
    echo::ReceivedTimes own;
    bool consistent = echo::CollectTimes(stored, ask.range, &own);
    for (const auto& [seq, ms] : own) {
      if (auto t = times.find(seq); t != times.end() && t->second != ms) consistent = false;
    }
    if (!consistent) {
      keep();
      continue;
    }
    // The proof: what the device will build is the stored record exactly.
    records::RecordState rebuilt = normalized;
    echo::Fill(&rebuilt, ask.range, own, stored.log_seq());
    if (echo::CanonicalBytes(rebuilt) != echo::CanonicalBytes(stored)) {
      keep();
      continue;
    }
    times.insert(own.begin(), own.end());
    auto* e = extra.add_own();
    e->set_index(hit->second);
    e->set_log_seq(stored.log_seq());
  }
  kept_before.push_back(kept.size());
  for (auto& run : page.runs) run.at = kept_before[run.at];
  for (auto& seg : page.segments) {
    const size_t end = kept_before[seg.first_record + seg.records];
    seg.first_record = kept_before[seg.first_record];
    seg.records = end - seg.first_record;
  }
  page.records = std::move(kept);
  for (const auto& [seq, ms] : times) {
    extra.add_received_seq(seq);
    extra.add_received_ms(ms);
  }
  if (extra.own_size() > 0) page.extra_fields = extra.SerializeAsString();
}

}  // namespace wardsync::server
