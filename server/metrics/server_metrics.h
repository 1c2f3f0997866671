// The server's Prometheus metrics (prometheus-cpp's registry, text format).
// Owned by the server runtime and handed to the parts that count (sessions,
// the group committer) like the store and the clock: never global, so two
// servers in one test process keep separate counts.
//
// Counters and histograms are updated where things happen; gauges that
// describe a state (open connections, queue depth, devices by last contact)
// are read when scraped, through the sources the runtime registers.
#pragma once
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "proto/sync.pb.h"

namespace wardsync::server {

// How a sync round (a connection past its hello) ended; a closed set, so the
// label never grows with message texts.
enum class SyncOutcome { kOk, kRefused, kClosed, kDrained, kProtocolError, kPullFailed };

// Why a connection was turned away before its sync round began.
enum class HelloRefusal { kTlsHandshake, kNoHello, kVersion, kAuth, kRevoked, kConnectionLimit };

class ServerMetrics {
 public:
  ServerMetrics();
  ServerMetrics(const ServerMetrics&) = delete;
  ServerMetrics& operator=(const ServerMetrics&) = delete;

  // ---- sessions (io threads) ----
  void SyncFinished(SyncOutcome outcome, double seconds, uint64_t bytes_in, uint64_t bytes_out);
  void HelloRefused(HelloRefusal why);
  // A hello's device proven: by its signature, or by the TLS session it
  // resumed (common/net/proven_session.h).
  void HelloProven(bool by_session);
  void RecordsPulled(uint64_t n);
  // ---- ingest (the committer thread) ----
  void ChangeSetsAccepted(uint64_t n);
  void ChangeSetsDuplicate(uint64_t n);
  void ChangesRejected(uint64_t n);
  void ChangeSetRefused(wardsync::sync::ErrorCode reason);
  void GroupCommitted(size_t submissions);   // pushes that shared one write
  void StoreWritten(double seconds);         // each write of the committer

  // ---- state read at scrape time ----
  struct ContactAges {
    uint64_t under_15m = 0, under_1h = 0, under_24h = 0, over_24h = 0, never = 0;
  };
  struct State {
    uint64_t open_connections = 0;
    uint64_t committer_queue = 0;  // submissions waiting for the committer
    ContactAges devices;
  };
  // Set once by the runtime before anything scrapes; called on the scraping
  // thread (an HTTP worker, where a store read is allowed to block).
  void SetStateSource(std::function<State()> source);

  // The Prometheus text exposition format (version 0.0.4).
  std::string Scrape() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& syncs_;
  prometheus::Family<prometheus::Counter>& hello_refused_;
  prometheus::Family<prometheus::Counter>& hello_proven_;
  prometheus::Counter& proven_by_signature_;
  prometheus::Counter& proven_by_session_;
  prometheus::Family<prometheus::Counter>& refused_;
  prometheus::Counter& accepted_;
  prometheus::Counter& duplicates_;
  prometheus::Counter& rejected_;
  prometheus::Counter& pulled_;
  prometheus::Counter& bytes_in_;
  prometheus::Counter& bytes_out_;
  prometheus::Histogram& sync_seconds_;
  prometheus::Histogram& group_size_;
  prometheus::Histogram& write_seconds_;
  prometheus::Gauge& open_connections_;
  prometheus::Gauge& queue_depth_;
  prometheus::Family<prometheus::Gauge>& devices_;
  std::vector<prometheus::Counter*> sync_outcomes_;     // by SyncOutcome
  std::vector<prometheus::Counter*> hello_refusals_;    // by HelloRefusal
  std::vector<prometheus::Gauge*> device_ages_;         // ContactAges, in order

  // Held for a whole scrape: two overlapping scrapes must not interleave
  // their refresh of the state gauges.
  mutable std::mutex scrape_mu_;
  std::function<State()> source_;
};

}  // namespace wardsync::server
