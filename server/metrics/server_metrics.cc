#include "server/metrics/server_metrics.h"

#include <prometheus/text_serializer.h>

#include <algorithm>
#include <cctype>
#include <type_traits>

namespace wardsync::server {
namespace {

// One metric family in the registry (prometheus-cpp's builders, one per type).
template <typename T>
prometheus::Family<T>& Family(prometheus::Registry& registry, const char* name, const char* help) {
  if constexpr (std::is_same_v<T, prometheus::Counter>) {
    return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
  } else if constexpr (std::is_same_v<T, prometheus::Gauge>) {
    return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
  } else {
    return prometheus::BuildHistogram().Name(name).Help(help).Register(registry);
  }
}

// A sync round takes milliseconds on a LAN and up to minutes on 2G with a
// long queue; group commits are bounded by limits.group_commit_max; a synced
// LevelDB write is ~0.1 ms on tmpfs and tens of ms on a slow SD card.
const prometheus::Histogram::BucketBoundaries kSyncSeconds = {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};
const prometheus::Histogram::BucketBoundaries kGroupSize = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};
const prometheus::Histogram::BucketBoundaries kWriteSeconds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                               0.05,   0.1,   0.25,   0.5,   1,    2.5};

// The label values, in enum order (server_metrics.h).
const char* const kSyncOutcomes[] = {"ok", "refused", "closed", "drained", "protocol_error", "pull_failed"};
const char* const kHelloRefusals[] = {"tls_handshake", "no_hello", "version", "auth", "revoked", "connection_limit"};
const char* const kContactAges[] = {"under_15m", "15m_to_1h", "1h_to_24h", "over_24h", "never"};

}  // namespace

ServerMetrics::ServerMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      syncs_(Family<prometheus::Counter>(*registry_, "wardsync_syncs_total",
                                         "Sync rounds (connections past an accepted hello) by how they ended")),
      hello_refused_(Family<prometheus::Counter>(*registry_, "wardsync_hellos_refused_total",
                                                 "Connections turned away before a sync round began, by reason")),
      hello_proven_(Family<prometheus::Counter>(
          *registry_, "wardsync_hellos_proven_total",
          "Hellos whose device was proven: by its key's signature, or by the TLS session it resumed")),
      proven_by_signature_(hello_proven_.Add({{"by", "signature"}})),
      proven_by_session_(hello_proven_.Add({{"by", "session"}})),
      refused_(Family<prometheus::Counter>(
          *registry_, "wardsync_changesets_refused_total",
          "Change-sets refused (nothing of them stored), by the sync.ErrorCode sent to the device")),
      accepted_(Family<prometheus::Counter>(*registry_, "wardsync_changesets_accepted_total", "Change-sets newly stored")
                    .Add({})),
      duplicates_(Family<prometheus::Counter>(*registry_, "wardsync_changesets_duplicate_total",
                                              "Change-sets the server already held, acknowledged again")
                      .Add({})),
      rejected_(Family<prometheus::Counter>(
                    *registry_, "wardsync_changes_rejected_total",
                    "Changes accepted into a device's chain but kept as REJECTED conflicts, not applied")
                    .Add({})),
      pulled_(Family<prometheus::Counter>(*registry_, "wardsync_records_pulled_total",
                                          "Records sent to devices in pull pages")
                  .Add({})),
      bytes_in_(Family<prometheus::Counter>(
                    *registry_, "wardsync_sync_received_bytes_total",
                    "Frame bytes received in sync rounds (inside TLS, as sent: compressed if negotiated)")
                    .Add({})),
      bytes_out_(Family<prometheus::Counter>(
                     *registry_, "wardsync_sync_sent_bytes_total",
                     "Frame bytes sent in sync rounds (inside TLS, as sent: compressed if negotiated)")
                     .Add({})),
      sync_seconds_(Family<prometheus::Histogram>(
                        *registry_, "wardsync_sync_duration_seconds",
                        "Duration of sync rounds, from the TLS handshake to the end of the connection")
                        .Add({}, kSyncSeconds)),
      group_size_(Family<prometheus::Histogram>(*registry_, "wardsync_committer_group_size",
                                                "Pushes committed together in one store write by the group committer")
                      .Add({}, kGroupSize)),
      write_seconds_(Family<prometheus::Histogram>(*registry_, "wardsync_store_write_duration_seconds",
                                                   "Duration of the group committer's store writes")
                         .Add({}, kWriteSeconds)),
      open_connections_(
          Family<prometheus::Gauge>(*registry_, "wardsync_open_connections", "Device connections open now").Add({})),
      queue_depth_(Family<prometheus::Gauge>(*registry_, "wardsync_committer_queue_depth",
                                             "Pushes waiting for the group committer now")
                       .Add({})),
      devices_(Family<prometheus::Gauge>(*registry_, "wardsync_devices",
                                         "Enrolled devices not revoked, by the age of their last contact")) {
  // Every known label value exists from the start at 0, so a rate() over the
  // first occurrence works and a dashboard shows zeros, not gaps.
  for (const char* o : kSyncOutcomes) sync_outcomes_.push_back(&syncs_.Add({{"outcome", o}}));
  for (const char* r : kHelloRefusals) hello_refusals_.push_back(&hello_refused_.Add({{"reason", r}}));
  for (const char* a : kContactAges) device_ages_.push_back(&devices_.Add({{"last_contact", a}}));
}

void ServerMetrics::SyncFinished(SyncOutcome outcome, double seconds, uint64_t bytes_in, uint64_t bytes_out) {
  sync_outcomes_[static_cast<size_t>(outcome)]->Increment();
  sync_seconds_.Observe(seconds);
  bytes_in_.Increment(static_cast<double>(bytes_in));
  bytes_out_.Increment(static_cast<double>(bytes_out));
}

void ServerMetrics::HelloRefused(HelloRefusal why) { hello_refusals_[static_cast<size_t>(why)]->Increment(); }

void ServerMetrics::HelloProven(bool by_session) {
  (by_session ? proven_by_session_ : proven_by_signature_).Increment();
}

void ServerMetrics::RecordsPulled(uint64_t n) { pulled_.Increment(static_cast<double>(n)); }

void ServerMetrics::ChangeSetsAccepted(uint64_t n) { accepted_.Increment(static_cast<double>(n)); }

void ServerMetrics::ChangeSetsDuplicate(uint64_t n) { duplicates_.Increment(static_cast<double>(n)); }

void ServerMetrics::ChangesRejected(uint64_t n) { rejected_.Increment(static_cast<double>(n)); }

void ServerMetrics::ChangeSetRefused(wardsync::sync::ErrorCode reason) {
  // The enum's names are a closed set; lower case as Prometheus labels usually are.
  std::string label = wardsync::sync::ErrorCode_Name(reason);
  if (label.empty()) label = "code_" + std::to_string(static_cast<int>(reason));
  std::transform(label.begin(), label.end(), label.begin(), [](unsigned char c) { return std::tolower(c); });
  // Family::Add returns the existing series for labels it already has.
  refused_.Add({{"reason", label}}).Increment();
}

void ServerMetrics::GroupCommitted(size_t submissions) { group_size_.Observe(static_cast<double>(submissions)); }

void ServerMetrics::StoreWritten(double seconds) { write_seconds_.Observe(seconds); }

void ServerMetrics::SetStateSource(std::function<State()> source) {
  std::lock_guard<std::mutex> lock(scrape_mu_);
  source_ = std::move(source);
}

std::string ServerMetrics::Scrape() const {
  std::lock_guard<std::mutex> lock(scrape_mu_);
  if (source_) {
    const State s = source_();
    open_connections_.Set(static_cast<double>(s.open_connections));
    queue_depth_.Set(static_cast<double>(s.committer_queue));
    const uint64_t ages[] = {s.devices.under_15m, s.devices.under_1h, s.devices.under_24h, s.devices.over_24h,
                             s.devices.never};
    for (size_t i = 0; i < device_ages_.size(); ++i) device_ages_[i]->Set(static_cast<double>(ages[i]));
  }
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace wardsync::server
