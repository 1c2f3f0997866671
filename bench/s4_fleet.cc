// S4 fleet and S6 idle connections: the bench enrolls the devices and runs
// the server; the load generator (bench/loadgen/, its own process) plays
// the devices. See bench/README.md.
//
//   S4: one server; every device syncs once (warm-up, not timed); then
//       open-loop arrivals at rising rates until p99 > 250 ms or a failure
//       (and two bisections), then a burst of every device at once.
//   S6: a fresh server; every device connects, authenticates, stays idle;
//       the server's peak RSS with all of them connected.
//
// On a machine with two cores or more the server runs on core 0 and the
// load generator on core 1 (sched_setaffinity at their start), so the
// devices' CPU does not come out of the server's. S4 runs once per
// invocation whatever --runs says: the rate search is itself many runs.
#include <iostream>
#include <sstream>
#include <thread>

#include <leveldb/env.h>

#include "bench/loadgen/fleet_file.h"
#include "bench/scenarios.h"
#include "common/changes/changeset.h"
#include "common/util/files.h"
#include "server/server_paths.h"

namespace wardsync::bench {

namespace {

constexpr size_t kTemplates = 16;

// Records as the real client captures them (client::Capture on an
// in-memory store): the load generator clones these, with new record ids.
Result<std::vector<wardsync::changes::Change>> CaptureTemplates(const ServerFacts& facts, const Identity& who) {
  auto env = NewMemoryEnv();
  auto dev = BenchDevice::Open(who, "/templates", env.get());
  if (!dev.ok()) return dev.status();
  WS_RETURN_IF_ERROR((*dev)->Configure(facts, "127.0.0.1:1"));
  for (uint64_t i = 0; i < kTemplates; ++i) {
    auto id = (*dev)->NewVoterMeeting(i * 7);
    if (!id.ok()) return id.status();
  }
  auto outbox = (*dev)->store().PendingBatch(0, kTemplates, 1u << 20);
  if (!outbox.ok()) return outbox.status();
  std::vector<wardsync::changes::Change> out;
  for (const auto& e : *outbox) {
    wardsync::changes::ChangeSetBody body;
    WS_RETURN_IF_ERROR(changes_util::ParseBody(e.signed_(), &body));
    for (const auto& c : body.changes()) out.push_back(c);
  }
  return out;
}

struct Plan {
  std::vector<Identity> devices;
  std::vector<wardsync::changes::Change> templates;
  std::string officer;
};

Status WriteFleet(const ServerSetup& S, const Plan& plan, const BenchServer& server, const std::string& path) {
  Fleet fleet;
  fleet.server = server.address();
  fleet.ca_path = path + ".ca.pem";
  WS_RETURN_IF_ERROR(util::WriteFileAtomic(fleet.ca_path, S.facts().ca_pem, 0600));
  fleet.forms_epoch = S.facts().forms_epoch;
  fleet.officer = plan.officer;
  fleet.templates = plan.templates;
  for (const auto& d : plan.devices) fleet.devices.push_back(FleetDevice{d.id, d.ward, d.key});
  return WriteFleetFile(path, fleet);
}

// Runs the load generator; its "figure NAME VALUE" lines become figures
// (through `rename`), every other line goes to stderr.
Status RunLoadGen(const Options& o, std::vector<std::string> args, int cpu, Figures& fig,
                  const std::map<std::string, std::string>& rename = {}) {
  auto prog = SiblingProgram("wardsync_loadgen");
  if (!prog.ok()) return prog.status();
  args.insert(args.begin(), *prog);
  if (cpu >= 0) args.insert(args.end(), {"--cpu", std::to_string(cpu)});
  std::string failed_line;
  auto on_line = [&](const std::string& line) {
    std::istringstream in(line);
    std::string word, name;
    double v = 0;
    if (in >> word >> name >> v && word == "figure") {
      auto it = rename.find(name);
      fig.Add(it == rename.end() ? name : it->second, v);
      if (o.verbose) std::cerr << "    " << name << " " << v << "\n";
      return;
    }
    std::cerr << "    " << line << "\n";
    if (line.find("first failure") != std::string::npos && failed_line.empty()) failed_line = line;
  };
  auto rc = RunChild(args, cpu, on_line);
  if (!rc.ok()) return rc.status();
  if (*rc != 0) return Status::Internal("wardsync_loadgen exited with " + std::to_string(*rc));
  if (!failed_line.empty()) fig.Note("S4/S6: " + failed_line);
  return Status::Ok();
}

struct Cores {
  int server = -1;   // -1: any
  int loadgen = -1;
};

// One server on a fresh copy of the template, the load generator against
// it with `args` (plus the fleet file and the server's pid), then stop.
Status RunPhase(const Options& o, ServerSetup& S, const Plan& plan, int run, Cores cores,
                std::vector<std::string> args, Figures& fig, const std::map<std::string, std::string>& rename) {
  auto server = S.StartRun(run, cores.server);
  if (!server.ok()) return server.status();
  const std::string fleet = S.RunDir(run) + "/fleet.txt";
  WS_RETURN_IF_ERROR(WriteFleet(S, plan, **server, fleet));
  args.insert(args.begin(), {"--fleet", fleet, "--server-pid", std::to_string((*server)->pid())});
  Status ran = RunLoadGen(o, args, cores.loadgen, fig, rename);
  Status stopped = (*server)->Stop();
  WS_RETURN_IF_ERROR(ran);
  WS_RETURN_IF_ERROR(stopped);
  Cleanup(o, S.RunDir(run));
  return Status::Ok();
}

}  // namespace

Status RunS4(const Options& o, Figures& fig) {
  if (!o.Wants("S4") && !o.Wants("S6")) return Status::Ok();
  const size_t s4_devices = o.Wants("S4") ? o.s4_devices : 0;
  const size_t s6_devices = o.Wants("S6") ? o.s6_devices : 0;
  if (o.external()) {
    fig.Note("S4/S6 need the bench's own server (devices enrolled by writing their rows): not run");
    return Status::Ok();
  }
  auto setup = ServerSetup::Create(o, "s4");
  if (!setup.ok()) return setup.status();
  ServerSetup& S = **setup;
  auto all_wards = S.Wards();
  // Fewer wards, more devices per ward: each sync pulls what the rest of
  // its ward pushed, so a small fleet in one ward has a full fleet's pulls.
  if (o.s4_wards > 0 && o.s4_wards < all_wards.size()) all_wards.resize(o.s4_wards);
  const size_t total = std::max(s4_devices, s6_devices);
  std::vector<std::string> wards;
  for (size_t i = 0; i < total; ++i) wards.push_back(all_wards[i % all_wards.size()]);

  // Enrollment: keys and device rows written into the server template
  // before any server starts (bench_server.h).
  const auto te = std::chrono::steady_clock::now();
  auto who = S.Devices("fleet", wards, 0);
  if (!who.ok()) return who.status();
  Plan plan;
  plan.devices = *who;
  plan.officer = plan.devices[0].officer;
  auto templates = CaptureTemplates(S.facts(), plan.devices[0]);
  if (!templates.ok()) return templates.status();
  plan.templates = std::move(templates).value();
  std::cerr << "    enrolled " << total << " devices in " << SecondsSince(te) << " s\n";

  const bool pin = std::thread::hardware_concurrency() >= 2;
  const int server_cpu = pin ? 0 : -1, loadgen_cpu = pin ? 1 : -1;
  fig.Note(pin ? "S4/S6: server pinned to core 0, load generator to core 1"
               : "S4/S6: one core: server and load generator share it");

  if (s4_devices > 0) {
    WS_RETURN_IF_ERROR(RunPhase(o, S, plan, 0, {server_cpu, loadgen_cpu},
                                {"--devices", std::to_string(o.s4_devices), "--records", std::to_string(o.s4_records),
                                 "--warmup", "--steps", o.s4_rates, "--step-s", std::to_string(o.s4_step_s),
                                 "--refine", std::to_string(o.s4_refine), "--burst"},
                                fig, {}));
  }
  if (s6_devices > 0) {
    // The key names the full size; other sizes keep a plain name.
    std::map<std::string, std::string> rename;
    if (o.s6_devices == 10'000) rename["s6_rss_mb"] = "s6_rss_mb_10k";
    WS_RETURN_IF_ERROR(RunPhase(o, S, plan, 1, {server_cpu, loadgen_cpu},
                                {"--devices", std::to_string(o.s6_devices), "--warmup", "--idle"}, fig, rename));
  }
  // The regression guard (--quick): its small fleet is far below what the
  // server carries, so any failed sync or dropped connection is a bug.
  if (o.quick) {
    for (const char* name : {"s4_failures", "s4_burst_failures", "s6_failures"}) {
      if (fig.Has(name) && fig.Get(name).back() > 0) {
        return Status::Internal(std::string(name) + " = " + std::to_string(fig.Get(name).back()) +
                                " in the quick run (see the lines above)");
      }
    }
  }
  return Status::Ok();
}

}  // namespace wardsync::bench
