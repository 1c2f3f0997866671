// Randomized convergence: three devices over two wards (two officers of
// ward A; the third is a reviewer on even seeds and an officer of ward B on
// odd ones) create, edit, delete and resolve offline and sync in random
// orders and interleavings against a real server. After everyone has synced
// twice:
//   - every device's view of every record it may see equals the server's
//     record (fields, deleted flag, conflicts with their candidates - the
//     whole RecordState), and it holds no record it may not see;
//   - no value the server ever accepted is lost: each accepted field write
//     is the field's current value, or a candidate of one of the record's
//     conflicts, or was knowingly superseded (a later accepted write to the
//     field names it as its base: its editor saw it); each accepted delete
//     left the record deleted or is a candidate of its whole-record conflict;
//   - verify passes.
// 20 seeds by default; WARDSYNC_REVIEW_SEED=N runs only seed N,
// WARDSYNC_REVIEW_SEEDS=K runs seeds 1..K. A seed fixes the sequence of
// operations and syncs (device keys and clock stamps still differ from run
// to run, so ties are broken differently). The stores live on a RAM file
// system when there is one: this test is about merge logic, and fsync on a
// shared disk would make 20 seeds take ~20 s instead of ~3 s.
#include <algorithm>
#include <random>

#include "server/audit/logged_change.h"
#include "tests/integration/review/review_fixture.h"

using namespace review_test;
using wardsync::records::RecordState;

namespace {

constexpr int kOpsPerSeed = 40;

struct Sim {
  explicit Sim(uint64_t seed)
      : rng(seed),
        srv(FastTempBase()),
        a1(srv, "a1", kWardA, "officer", "A1 Nguyễn", FastTempBase()),
        a2(srv, "a2", kWardA, "officer", "A2 Lê", FastTempBase()),
        third(srv, "x3", kWardB, seed % 2 == 0 ? "reviewer" : "officer", seed % 2 == 0 ? "R Phạm" : "B1 Trần",
              FastTempBase()),
        third_is_reviewer(seed % 2 == 0) {}

  std::mt19937_64 rng;
  TestServer srv;
  TestDevice a1, a2, third;
  bool third_is_reviewer;
  std::vector<std::string> log;  // what happened, shown on failure

  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); }
  bool Chance(int percent) { return static_cast<int>(Pick(100)) < percent; }
  std::vector<TestDevice*> All() { return {&a1, &a2, &third}; }
  std::string Name(TestDevice* d) { return d == &a1 ? "a1" : d == &a2 ? "a2" : third_is_reviewer ? "rv" : "b1"; }

  std::vector<RecordState> Live(TestDevice& d) {
    std::vector<RecordState> out;
    REQUIRE(d.store().ForEachLocal(std::nullopt, [&](const RecordState& r) {
      if (!r.deleted()) out.push_back(r);
    }).ok());
    return out;
  }

  std::string RandomValue(const std::string& field) {
    static const char* notes[] = {"", "ok", "họp đông, \"sôi nổi\"", "line1\nline2", "ý kiến: đường, trường"};
    static const char* names[] = {"qh-dv1-tran-thi-lan", "qh-dv1-le-minh-tuan", "tp-dv1-bui-thi-mai"};
    if (field == "notes") return notes[Pick(5)];
    if (field == "candidate") return names[Pick(3)];
    if (field == "meeting_date") return "2026-02-" + std::to_string(10 + Pick(18));
    return std::to_string(Pick(1001));  // agree: any value keeps agree + disagree <= attended (1000)
  }

  void OfficerStep(TestDevice& d) {
    auto live = Live(d);
    const int roll = static_cast<int>(Pick(100));
    // Few records, mostly two fields: so offline edits collide often.
    if (live.size() < 2 || roll < 8) {
      auto sets = Meeting(1000, 1000);
      if (Chance(50)) sets.push_back("agree=" + RandomValue("agree"));
      const std::string id = d.New("voter-meeting", sets);
      log.push_back(Name(&d) + " new " + id);
    } else if (roll < 93) {
      // Half the time the first record in id order: the devices of a ward share it once synced.
      const auto& r = Chance(50) ? live[0] : live[Pick(live.size())];
      static const char* fields[] = {"notes", "agree", "notes", "agree", "candidate", "meeting_date"};
      const std::string f = fields[Pick(6)];
      const std::string v = RandomValue(f);
      const std::string id = changes_util::RecordIdText(r.record_id());
      d.Edit(id, {f + "=" + v});
      log.push_back(Name(&d) + " edit " + id + " " + f);
    } else {
      const std::string id = changes_util::RecordIdText(live[Pick(live.size())].record_id());
      d.Ok({"delete", id});
      log.push_back(Name(&d) + " delete " + id);
    }
  }

  void ReviewerStep(TestDevice& d) {
    std::vector<std::pair<RecordState, records::Conflict>> open;
    REQUIRE(d.store().ForEachLocal(std::nullopt, [&](const RecordState& r) {
      for (const auto& c : r.conflicts()) {
        if (c.open()) open.emplace_back(r, c);
      }
    }).ok());
    if (open.empty()) {
      d.Sync();
      log.push_back("rv sync (nothing to resolve)");
      return;
    }
    const auto& [r, c] = open[Pick(open.size())];
    std::vector<std::string> args{"resolve", c.id(), "--reason", "seeded decision"};
    if (Chance(60) || (c.field().empty() && Chance(50))) {
      args.push_back("--pick");
      args.push_back(std::to_string(1 + Pick(static_cast<size_t>(c.candidates_size()))));
    } else {
      args.push_back("--value");
      args.push_back(c.field().empty() ? (Chance(50) ? "keep" : "delete") : RandomValue(c.field()));
    }
    d.Ok(args);
    log.push_back("rv resolve " + c.id() + " " + args[4] + " " + args[5]);
  }

  // Without a reviewer device the server resolves (one resolver per run:
  // two resolvers racing on one conflict is a known limitation, see
  // stale_resolve_test.cc).
  void ServerResolveStep() {
    auto queue = Json(srv.Ok({"conflicts", "--json"}).out);
    if (Size(queue) == 0) return;
    const auto& c = At(queue, static_cast<int>(Pick(static_cast<size_t>(Size(queue)))));
    const std::string id = At(c, "id").string_value();
    const int n = Size(At(c, "candidates"));
    srv.Ok({"resolve", id, "--pick", std::to_string(1 + Pick(static_cast<size_t>(n))), "--reason", "server decision"});
    log.push_back("server resolve " + id);
  }

  void Step() {
    if (!third_is_reviewer && Chance(8)) return ServerResolveStep();
    TestDevice* d = All()[Pick(3)];
    if (Chance(22)) {
      d->Sync();
      log.push_back(Name(d) + " sync");
    } else if (d == &third && third_is_reviewer) {
      ReviewerStep(*d);
    } else {
      OfficerStep(*d);
    }
  }

  std::map<std::string, RecordState> ServerRecords() {
    std::map<std::string, RecordState> out;
    auto it = srv.store().Scan(server::keys::kRecordPrefix);
    for (; it->Valid(); it->Next()) {
      RecordState r;
      REQUIRE(r.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())));
      out[changes_util::RecordIdText(r.record_id())] = r;
    }
    REQUIRE(it->status().ok());
    return out;
  }

  void CheckViews() {
    const auto server = ServerRecords();
    for (TestDevice* d : All()) {
      INFO("device " << Name(d));
      auto cfg = d->store().Config();
      REQUIRE(cfg.ok());
      auto pending = d->store().PendingCount();
      REQUIRE(pending.ok());
      CHECK(*pending == 0);
      std::map<std::string, RecordState> local;
      REQUIRE(d->store().ForEachLocal(std::nullopt, [&](const RecordState& r) {
        local[changes_util::RecordIdText(r.record_id())] = r;
      }).ok());
      size_t visible = 0;
      for (const auto& [id, r] : server) {
        if (cfg->role() == "officer" && r.ward() != cfg->ward()) {
          CHECK(local.count(id) == 0);
          continue;
        }
        ++visible;
        INFO("record " << id);
        REQUIRE(local.count(id) == 1);
        std::string diff;
        const bool same = Same(local.at(id), r, &diff);
        INFO(diff);
        CHECK(same);
      }
      CHECK(local.size() == visible);
    }
  }

  // No accepted value is lost (see the file comment).
  void CheckNothingLost() {
    const auto server = ServerRecords();
    std::string head_raw;
    REQUIRE(srv.store().Get(server::keys::kLogHead, &head_raw).ok());
    const uint64_t head = wardsync::keys::ReadU64(head_raw);
    server::audit::ChangeSetReader reader(srv.store());
    std::vector<server::audit::LoggedChange> changes;
    std::set<std::string> seen_as_base;  // "record/field/device/seq" of every write some later write saw
    auto key = [](const std::string& rid, const std::string& f, const changes::ChangeId& id) {
      return rid + "/" + f + "/" + id.device_id() + "/" + std::to_string(id.seq());
    };
    for (uint64_t seq = 1; seq <= head; ++seq) {
      auto lc = reader.Load(seq);
      REQUIRE(lc.ok());
      for (const auto& s : lc->change.sets()) {
        if (s.has_base()) seen_as_base.insert(key(lc->change.record_id(), s.field(), s.base()));
      }
      changes.push_back(std::move(lc).value());
    }
    auto same_id = [](const changes::ChangeId& a, const changes::ChangeId& b) {
      return a.device_id() == b.device_id() && a.seq() == b.seq();
    };
    auto same_value = [](bool ha, const changes::Value& a, bool hb, const changes::Value& b) {
      return ha == hb && (!ha || Same(a, b));
    };
    for (const auto& lc : changes) {
      const std::string id = changes_util::RecordIdText(lc.change.record_id());
      INFO("log " << lc.log_seq << " record " << id);
      REQUIRE(server.count(id) == 1);
      const RecordState& r = server.at(id);
      if (lc.change.op() == changes::Change::DELETE) {
        bool kept = r.deleted();
        for (const auto& c : r.conflicts()) {
          for (const auto& cand : c.candidates()) kept = kept || (c.field().empty() && cand.deleted());
        }
        CHECK(kept);
        continue;
      }
      for (const auto& s : lc.change.sets()) {
        if (s.field() == reconcile::kDeletedMarkerField) continue;
        INFO("field " << s.field());
        bool present = false;
        if (auto it = r.fields().find(s.field()); it != r.fields().end()) {
          present = same_id(it->second.stamp().change(), lc.stamp.change()) &&
                    same_value(it->second.has_value(), it->second.value(), s.has_value(), s.value());
        }
        for (const auto& c : r.conflicts()) {
          if (c.field() != s.field()) continue;
          for (const auto& cand : c.candidates()) {
            present = present || (same_id(cand.stamp().change(), lc.stamp.change()) &&
                                  same_value(cand.has_value(), cand.value(), s.has_value(), s.value()));
          }
        }
        const bool superseded = seen_as_base.count(key(lc.change.record_id(), s.field(), lc.stamp.change())) > 0;
        CHECK((present || superseded));
      }
    }
  }
};

// What a seed exercised, so the suite can check that the random runs do
// reach conflicts, delete-against-edit and resolutions at all.
struct Coverage {
  int field_conflicts = 0;
  int record_conflicts = 0;
  int resolved = 0;
  int deleted = 0;
};

void RunSeed(uint64_t seed, Coverage& cov) {
  Sim sim(seed);
  INFO("seed " << seed << " (reproduce with WARDSYNC_REVIEW_SEED=" << seed << ")");
  for (int i = 0; i < kOpsPerSeed; ++i) {
    std::string so_far;
    for (const auto& l : sim.log) so_far += l + "\n";
    INFO("steps so far:\n" << so_far);
    sim.Step();
  }
  // Everyone syncs; the resolver decides about half of what is open; then
  // two more rounds so everyone sees everything.
  for (TestDevice* d : sim.All()) d->Sync();
  for (int i = 0; i < 3; ++i) {
    if (!sim.Chance(50)) continue;
    if (sim.third_is_reviewer) sim.ReviewerStep(sim.third);
    else sim.ServerResolveStep();
  }
  for (int round = 0; round < 2; ++round) {
    auto order = sim.All();
    std::shuffle(order.begin(), order.end(), sim.rng);
    for (TestDevice* d : order) d->Sync();
  }
  std::string story;
  for (const auto& l : sim.log) story += l + "\n";
  INFO("steps:\n" << story);
  sim.CheckViews();
  sim.CheckNothingLost();
  for (const auto& [id, r] : sim.ServerRecords()) {
    cov.deleted += r.deleted() ? 1 : 0;
    for (const auto& c : r.conflicts()) {
      (c.field().empty() ? cov.record_conflicts : cov.field_conflicts) += 1;
      cov.resolved += c.open() ? 0 : 1;
    }
  }
  auto v = sim.srv.Cli({"verify"});
  INFO(v.out << v.err);
  CHECK(v.code == 0);
}

}  // namespace

TEST_CASE("convergence: random offline edits, deletes and resolutions in random sync orders converge") {
  std::vector<uint64_t> seeds;
  if (const char* one = getenv("WARDSYNC_REVIEW_SEED"); one && *one) {
    seeds.push_back(std::strtoull(one, nullptr, 10));
  } else {
    const char* many = getenv("WARDSYNC_REVIEW_SEEDS");
    const uint64_t n = many && *many ? std::strtoull(many, nullptr, 10) : 20;
    for (uint64_t s = 1; s <= n; ++s) seeds.push_back(s);
  }
  Coverage cov;
  for (uint64_t seed : seeds) {
    CAPTURE(seed);
    RunSeed(seed, cov);
  }
  // Record ids are random, so which records a seed's steps pick, and so
  // what it reaches, varies from run to run: about one run in four reached
  // no delete-against-edit conflict in 20 seeds. The default run goes on
  // (up to 60 seeds) until every kind was reached at least once.
  const bool default_run = seeds.size() == 20 && !getenv("WARDSYNC_REVIEW_SEED");
  for (uint64_t seed = 21; default_run && seed <= 60 &&
                           !(cov.field_conflicts && cov.record_conflicts && cov.resolved && cov.deleted);
       ++seed) {
    CAPTURE(seed);
    seeds.push_back(seed);
    RunSeed(seed, cov);
  }
  INFO("field conflicts " << cov.field_conflicts << ", whole-record conflicts " << cov.record_conflicts
                          << ", resolved " << cov.resolved << ", deleted records " << cov.deleted);
  if (seeds.size() >= 10) {
    CHECK(cov.field_conflicts > 0);
    CHECK(cov.record_conflicts > 0);
    CHECK(cov.resolved > 0);
    CHECK(cov.deleted > 0);
  }
}
