// S5 local capture: N Capture::New calls on an enrolled device's store on
// disk, each one durable (one synced LevelDB write, as an officer's "save"
// is). No server involved. Also the store's growth on disk per record
// (LevelDB files after closing: log + tables, nothing compacted by hand).
#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "bench/scenarios.h"
#include "common/util/files.h"

namespace wardsync::bench {

Status RunS5(const Options& o, Figures& fig) {
  if (!o.Wants("S5")) return Status::Ok();
  auto setup = ServerSetup::Create(o, "s5");
  if (!setup.ok()) return setup.status();
  ServerSetup& S = **setup;
  for (int run = 0; run < o.runs; ++run) {
    auto who = NewIdentity(S.Wards()[0], "Nguyễn Văn An");
    if (!who.ok()) return who.status();
    const std::string dir = S.RunDir(run) + "/device";
    WS_RETURN_IF_ERROR(util::MakeDirs(S.RunDir(run), 0700));
    {
      auto dev = BenchDevice::Open(*who, dir);
      if (!dev.ok()) return dev.status();
      WS_RETURN_IF_ERROR((*dev)->Configure(S.facts(), "127.0.0.1:1"));
    }
    const uint64_t before = TreeBytes(dir);
    double secs = 0;
    {
      auto dev = BenchDevice::Open(*who, dir);
      if (!dev.ok()) return dev.status();
      // What the scenarios before left dirty in the page cache (S4 alone
      // writes hundreds of MB) is written back first: otherwise its
      // write-back shares the disk with the captures' fdatasyncs, and the
      // figure measures the bench's order rather than a capture.
      ::sync();
      const auto t0 = std::chrono::steady_clock::now();
      for (uint64_t i = 0; i < o.s5_records; ++i) {
        auto id = (*dev)->NewVoterMeeting(i);
        if (!id.ok()) return id.status();
      }
      secs = SecondsSince(t0);
    }
    const uint64_t after = TreeBytes(dir);
    const double per_s = static_cast<double>(o.s5_records) / secs;
    fig.Add("s5_records_per_s", per_s);
    fig.Add("s5_store_bytes_per_record", static_cast<double>(after - before) / static_cast<double>(o.s5_records));
    // The disk's own synced-write rate beside it, measured right after in
    // the same directory with appends of the store's growth per record: a
    // capture is one such write plus its CPU (the form's rules, the
    // record's merge; no signature: the push signs run heads).
    const size_t record_bytes = std::max<uint64_t>(1, (after - before) / o.s5_records);
    auto disk = SyncedAppendsPerSecond(S.RunDir(run), o.s5_records, record_bytes);
    if (!disk.ok()) return disk.status();
    fig.Add("s5_disk_synced_writes_per_s", *disk);
    fig.Add("s5_share_of_disk_pct", 100.0 * per_s / *disk);
    if (o.verbose) {
      std::cerr << "  S5: " << o.s5_records << " captures in " << secs << " s, store grew " << (after - before)
                << " bytes\n";
    }
    Cleanup(o, S.RunDir(run));
  }
  return Status::Ok();
}

}  // namespace wardsync::bench
