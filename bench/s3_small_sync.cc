// S3 small sync: a device that is in step with the server edits one field
// of each of 10 records (10 change-sets) and syncs: push and pull in one
// round. Measured through a counting relay, so the bytes are those on the
// socket, TLS included. Twice per run: once with a fresh TLS connection (no
// stored session), once resuming the session the previous round stored.
//
// Round trips are the client's count (SyncReport.round_trips): flights the
// client sent and then waited on, after the TLS handshake.
#include <iostream>

#include "bench/relay.h"
#include "bench/scenarios.h"
#include "common/util/files.h"

namespace wardsync::bench {

namespace {

Status EditAll(BenchDevice& dev, const std::vector<std::string>& ids, int value) {
  for (const auto& id : ids) WS_RETURN_IF_ERROR(dev.capture().Edit(id, {{"disagree", std::to_string(value)}}));
  return Status::Ok();
}

Status Measure(const Options& o, BenchDevice& dev, CountingRelay& relay, const std::string& prefix, Figures& fig) {
  relay.Reset();
  const auto t0 = std::chrono::steady_clock::now();
  auto r = dev.Sync();
  const double ms = SecondsSince(t0) * 1000;
  if (!r.ok()) return Status(r.status().code(), "S3 sync failed: " + r.status().message());
  if (r->pending_after != 0 || r->progress.pushed != o.s3_edits) {
    return Status::Internal("S3: pushed " + std::to_string(r->progress.pushed) + " of " + std::to_string(o.s3_edits));
  }
  fig.Add(prefix + "round_trips", static_cast<double>(r->round_trips));
  fig.Add(prefix + "bytes", static_cast<double>(relay.up() + relay.down()));
  fig.Add(prefix + "bytes_up", static_cast<double>(relay.up()));
  fig.Add(prefix + "bytes_down", static_cast<double>(relay.down()));
  fig.Add(prefix + "app_bytes", static_cast<double>(r->progress.bytes_in + r->progress.bytes_out));
  fig.Add(prefix + "wall_ms", ms);
  fig.Add(prefix + "tls_resumed", r->tls_resumed ? 1 : 0);
  if (o.verbose) {
    std::cerr << "  S3 " << (prefix == "s3_" ? "resumed" : "fresh  ") << ": up " << relay.up() << " B, down "
              << relay.down() << " B (application " << r->progress.bytes_out << " / " << r->progress.bytes_in
              << "), round trips " << r->round_trips << ", pulled " << r->progress.pulled << ", "
              << (r->tls_resumed ? "session resumed" : "full handshake") << ", " << ms << " ms\n";
  }
  return Status::Ok();
}

}  // namespace

Status RunS3(const Options& o, Figures& fig) {
  if (!o.Wants("S3")) return Status::Ok();
  auto setup = ServerSetup::Create(o, "s3");
  if (!setup.ok()) return setup.status();
  ServerSetup& S = **setup;
  const std::string ward = S.Wards().size() > 2 ? S.Wards()[2] : S.Wards()[0];
  for (int run = 0; run < o.runs; ++run) {
    auto who = S.Devices("s3", {ward}, run);
    if (!who.ok()) return who.status();
    auto server = S.StartRun(run);
    if (!server.ok()) return server.status();
    auto relay = CountingRelay::Start((*server)->host(), (*server)->port());
    if (!relay.ok()) return relay.status();
    const std::string dir = S.RunDir(run) + "/device";
    if (o.external()) WS_RETURN_IF_ERROR(util::MakeDirs(S.RunDir(run), 0700));
    {
      auto dev = BenchDevice::Open((*who)[0], dir);
      if (!dev.ok()) return dev.status();
      WS_RETURN_IF_ERROR((*dev)->Configure(S.facts(), (*relay)->address()));
      // In step with the server: the records exist on both sides.
      std::vector<std::string> ids;
      for (uint64_t i = 0; i < o.s3_edits; ++i) {
        auto id = (*dev)->NewVoterMeeting(i);
        if (!id.ok()) return id.status();
        ids.push_back(*id);
      }
      auto first = (*dev)->Sync();
      if (!first.ok()) return Status(first.status().code(), "S3 setup sync failed: " + first.status().message());

      WS_RETURN_IF_ERROR((*dev)->store().SaveTlsSession(""));  // forget it: a full handshake
      WS_RETURN_IF_ERROR(EditAll(**dev, ids, 1));
      WS_RETURN_IF_ERROR(Measure(o, **dev, **relay, "s3_fresh_", fig));
      WS_RETURN_IF_ERROR(EditAll(**dev, ids, 0));  // the session stored by the round above is offered
      WS_RETURN_IF_ERROR(Measure(o, **dev, **relay, "s3_", fig));
    }
    relay->reset();
    WS_RETURN_IF_ERROR((*server)->Stop());
    Cleanup(o, S.RunDir(run));
  }
  return Status::Ok();
}

}  // namespace wardsync::bench
