// The officer's view of REJECTED changes as they arrive in pulled records
// (RecordState.conflicts, kind REJECTED; the server side makes them), and
// stray arguments refused: the client commands run as `wardsync` runs them
// (RunClientCommand on a real store).
#include <sstream>

#include "client/cli/command.h"
#include "common/clock/hlc.h"
#include "tests/support/json.h"
#include "tests/unit/client/client_fixture.h"

using namespace client_test;
using namespace wardsync::records;
using wardsync::changes::Change;

namespace {

struct Ran {
  int code = -1;
  std::string out, err;
};

Ran RunCmd(Device& dev, std::vector<std::string> args) {
  client::ClientEnv env(client::ClientPaths(dev.dir.path()), *dev.cs, dev.clock);
  std::ostringstream out, err;
  Ran r;
  r.code = client::RunClientCommand(env, args, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

// The server's view of a record holding one REJECTED change of `device`
// (an edit that broke a rule the editor saw) and, when `placeholder`, no
// applied change at all (a rejected creation).
RecordState WithRejected(const std::string& raw_id, const std::string& device, uint64_t seq, bool placeholder,
                         uint64_t log_seq) {
  RecordState r;
  r.set_record_id(raw_id);
  r.set_form_id("voter-meeting");
  r.set_form_version(1);
  r.set_ward(kWard);
  r.set_log_seq(log_seq);
  r.set_placeholder(placeholder);
  Stamp made;
  made.mutable_change()->set_device_id(device);
  made.mutable_change()->set_seq(seq);
  made.set_hlc(wardsync::HybridLogicalClock::Make(1'790'000'000'000, 0));
  made.set_officer("Nguyễn Văn An");
  made.set_received_ms(1'790'000'000'500);
  if (!placeholder) {
    FieldState fs;
    fs.mutable_value()->set_integer(120);
    *fs.mutable_stamp() = made;
    (*r.mutable_fields())["invited"] = fs;
    fs.mutable_value()->set_integer(95);
    (*r.mutable_fields())["attended"] = fs;
    fs.mutable_value()->set_text("Trần Thị Bình");
    (*r.mutable_fields())["candidate"] = fs;
    *r.mutable_created() = made;
    *r.mutable_last_change() = made;
  }
  Conflict* c = r.add_conflicts();
  c->set_id(changes_util::RecordIdText(raw_id) + ":rejected:" + device + ":" + std::to_string(seq) + ":0");
  c->set_kind(REJECTED);
  c->set_open(true);
  c->set_opened_seq(log_seq);
  c->add_fields("attended");
  c->set_problem("attended (200) must not exceed invited (120)");
  Change* ch = c->mutable_rejected_change();
  ch->set_record_id(raw_id);
  ch->set_op(placeholder ? Change::CREATE : Change::UPDATE);
  auto* set = ch->add_sets();
  set->set_field("attended");
  set->mutable_value()->set_integer(200);
  *c->add_candidates()->mutable_stamp() = made;
  return r;
}

std::string RawId(char fill) { return std::string(16, fill); }

}  // namespace

TEST_CASE("status, show and list --rejected show the changes the server rejected, with the reason",
          "[unit][client]") {
  ManualClock clock;
  Device dev(clock);
  const std::string mine = RawId('\x01');
  const std::string never = RawId('\x02');
  const std::string theirs = RawId('\x03');
  REQUIRE(dev.cs->ApplyPull({WithRejected(mine, dev.id, 3, false, 5), WithRejected(never, dev.id, 4, true, 6),
                             WithRejected(theirs, "other-device", 9, false, 7)},
                            7)
              .ok());
  const std::string mine_hex = changes_util::RecordIdText(mine);
  const std::string never_hex = changes_util::RecordIdText(never);

  // status: this device's two, with their reasons; not the other device's.
  auto st = RunCmd(dev, {"status", "--data", dev.dir.path()});
  INFO(st.err);
  REQUIRE(st.code == 0);
  CHECK(st.out.find("rejected:      2 change(s)") != std::string::npos);
  CHECK(st.out.find("must not exceed invited") != std::string::npos);
  CHECK(st.out.find("other-device") == std::string::npos);
  auto js = RunCmd(dev, {"status", "--data", dev.dir.path(), "--json"});
  REQUIRE(js.code == 0);
  auto status = wardsync::test::ParseJson(js.out);
  REQUIRE(wardsync::test::Items(wardsync::test::At(status, "rejected")).size() == 2);
  const auto& first = wardsync::test::Items(wardsync::test::At(status, "rejected"))[0];
  CHECK(wardsync::test::Str(wardsync::test::At(first, "reason")) == "attended (200) must not exceed invited (120)");
  CHECK(wardsync::test::Str(wardsync::test::At(first, "record")) == mine_hex);
  CHECK(wardsync::test::Str(wardsync::test::At(first, "form")) == "voter-meeting");  // the officer app links a fix by it

  // show: the record, and the rejected edit with its reason and values.
  auto shown = RunCmd(dev, {"show", mine_hex, "--data", dev.dir.path()});
  INFO(shown.err);
  REQUIRE(shown.code == 0);
  CHECK(shown.out.find("REJECTED edit " + dev.id + ":3") != std::string::npos);
  CHECK(shown.out.find("must not exceed invited") != std::string::npos);
  CHECK(shown.out.find("attended=200") != std::string::npos);
  CHECK(shown.out.find("wardsync edit " + mine_hex) != std::string::npos);
  auto never_shown = RunCmd(dev, {"show", never_hex, "--data", dev.dir.path()});
  CHECK(never_shown.out.find("does not exist on the server") != std::string::npos);
  CHECK(never_shown.out.find("REJECTED create") != std::string::npos);
  auto shown_json = RunCmd(dev, {"show", mine_hex, "--data", dev.dir.path(), "--json"});
  REQUIRE(shown_json.code == 0);
  auto parsed = wardsync::test::ParseJson(shown_json.out);
  CHECK(wardsync::test::Items(wardsync::test::At(parsed, "rejected")).size() == 1);

  // list --rejected: every record with an open rejected change; plain list
  // leaves out the placeholder (it is not a record).
  auto listed = RunCmd(dev, {"list", "--rejected", "--data", dev.dir.path()});
  REQUIRE(listed.code == 0);
  CHECK(listed.out.find(mine_hex) != std::string::npos);
  CHECK(listed.out.find(never_hex + "  " + kWard + "  voter-meeting  [never created]") != std::string::npos);
  CHECK(listed.out.find(changes_util::RecordIdText(theirs)) != std::string::npos);
  auto plain = RunCmd(dev, {"list", "--data", dev.dir.path()});
  CHECK(plain.out.find(never_hex) == std::string::npos);
  CHECK(plain.out.find(mine_hex) != std::string::npos);
  auto listed_json = RunCmd(dev, {"list", "--rejected", "--json", "--data", dev.dir.path()});
  REQUIRE(listed_json.code == 0);
  CHECK(wardsync::test::Items(wardsync::test::ParseJson(listed_json.out)).size() == 3);

  // Closed (fixed by a new edit): gone from all three.
  RecordState fixed = WithRejected(mine, dev.id, 3, false, 8);
  fixed.mutable_conflicts(0)->set_open(false);
  fixed.mutable_conflicts(0)->set_reason("superseded by " + dev.id + "/5");
  REQUIRE(dev.cs->ApplyPull({fixed}, 8).ok());
  st = RunCmd(dev, {"status", "--data", dev.dir.path()});
  CHECK(st.out.find("rejected:      1 change(s)") != std::string::npos);
  listed = RunCmd(dev, {"list", "--rejected", "--data", dev.dir.path()});
  CHECK(listed.out.find(mine_hex) == std::string::npos);
}

TEST_CASE("an argument without --set is refused, nothing is saved", "[unit][client]") {
  ManualClock clock;
  Device dev(clock);
  std::vector<std::string> args = {"new", "--data", dev.dir.path(), "--form", "voter-meeting"};
  for (const auto& [k, v] : Meeting()) {
    args.push_back("--set");
    args.push_back(k + "=" + v);
  }
  args.push_back("notes=hello");
  auto r = RunCmd(dev, args);
  CHECK(r.code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("unexpected argument \"notes=hello\"") != std::string::npos);
  CHECK(r.err.find("--set notes=hello") != std::string::npos);
  auto pending = dev.cs->PendingCount();
  REQUIRE(pending.ok());
  CHECK(*pending == 0);

  // Every command: none takes more positional arguments than it names.
  for (const auto& cmd : client::ClientCommands()) {
    std::vector<std::string> a = {cmd.name, "--data", dev.dir.path()};
    for (size_t i = 0; i <= cmd.max_positional; ++i) a.push_back("stray" + std::to_string(i));
    auto out = RunCmd(dev, a);
    INFO(cmd.name << ": " << out.err);
    CHECK(out.code == 2);
    CHECK(out.err.find("unexpected argument \"stray" + std::to_string(cmd.max_positional) + "\"") !=
          std::string::npos);
  }
  CHECK(*dev.cs->PendingCount() == 0);
}
