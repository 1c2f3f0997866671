// The arithmetic of `wardsync-server report`.
#include <catch2/catch.hpp>

#include <limits>

#include "server/audit/report_tally.h"

using namespace wardsync::server::audit;
using wardsync::records::RecordState;

namespace {

RecordState Meeting(const std::string& ward, const std::string& candidate, int64_t invited, int64_t attended,
                    std::optional<int64_t> agree) {
  RecordState r;
  r.set_form_id(kVoterMeetingForm);
  r.set_ward(ward);
  (*r.mutable_fields())["candidate"].mutable_value()->set_text(candidate);
  (*r.mutable_fields())["invited"].mutable_value()->set_integer(invited);
  (*r.mutable_fields())["attended"].mutable_value()->set_integer(attended);
  if (agree) (*r.mutable_fields())["agree"].mutable_value()->set_integer(*agree);
  return r;
}

}  // namespace

TEST_CASE("voter meetings: held, invited, attended and share agreeing per candidate") {
  MeetingTally e;
  e.Add(Meeting("w", "Trần Thị Bình", 100, 80, 60));
  e.Add(Meeting("w", " Trần Thị Bình ", 50, 40, 38));  // same candidate, stray spaces
  e.Add(Meeting("w", "Lê Văn C", 30, 20, std::nullopt));  // no vote counted
  CHECK(e.meetings == 3);
  CHECK(e.invited == 180);
  CHECK(e.attended == 140);
  REQUIRE(e.typed.size() == 2);
  const auto& b = e.typed.at("Trần Thị Bình");
  CHECK(b.meetings == 2);
  CHECK(b.attended == 120);
  CHECK(b.agree == 98);
  REQUIRE(b.ShareAgree());
  CHECK(*b.ShareAgree() == Approx(98.0 / 120.0));
  const auto& c = e.typed.at("Lê Văn C");
  CHECK(c.meetings == 1);
  CHECK(c.attended == 20);
  CHECK_FALSE(c.ShareAgree());  // nothing to divide by: no share, not 0%
}

TEST_CASE("a meeting without a vote count is left out of that candidate's share") {
  MeetingTally e;
  e.Add(Meeting("w", "X", 100, 100, 50));
  e.Add(Meeting("w", "X", 100, 100, std::nullopt));
  const auto& x = e.typed.at("X");
  CHECK(x.attended == 200);
  CHECK(x.voted_attended == 100);
  CHECK(*x.ShareAgree() == Approx(0.5));  // not 50/200
}

TEST_CASE("deleted records and other forms are not meetings; conflicts are counted as provisional") {
  MeetingTally e;
  auto deleted = Meeting("w", "X", 10, 5, 5);
  deleted.set_deleted(true);
  e.Add(deleted);
  auto other = Meeting("w", "X", 10, 5, 5);
  other.set_form_id("complaint");
  e.Add(other);
  auto disputed = Meeting("w", "X", 10, 5, 5);
  disputed.add_conflicts()->set_open(true);
  e.Add(disputed);
  CHECK(e.meetings == 1);
  CHECK(e.provisional == 1);
}

TEST_CASE("wards: records per form, open conflicts, devices; the total adds the wards up") {
  ReportTally t;
  t.AddRecord(Meeting("a", "X", 10, 8, 4));
  t.AddRecord(Meeting("a", "Y", 10, 6, 6));
  auto gone = Meeting("a", "X", 10, 8, 4);
  gone.set_deleted(true);
  t.AddRecord(gone);
  auto complaint = Meeting("b", "", 0, 0, std::nullopt);
  complaint.set_form_id("complaint");
  auto* c1 = complaint.add_conflicts();
  c1->set_open(true);
  complaint.add_conflicts()->set_open(true);
  complaint.add_conflicts()->set_open(false);
  t.AddRecord(complaint);
  wardsync::store::Device d1, d2, server;
  d1.set_ward("a");
  d1.set_role("officer");
  d2.set_ward("b");
  d2.set_role("reviewer");
  server.set_role("server");
  t.AddDevice(d1);
  t.AddDevice(d2);
  t.AddDevice(server);

  CHECK(t.wards.at("a").forms.at("voter-meeting").live == 2);
  CHECK(t.wards.at("a").forms.at("voter-meeting").deleted == 1);
  CHECK(t.wards.at("a").section<MeetingTally>().meetings == 2);
  CHECK(t.wards.at("b").open_conflicts == 2);
  CHECK(t.wards.at("b").records_in_conflict == 1);
  CHECK(t.wards.at("a").devices.size() == 1);
  CHECK(t.wards.at("b").devices.size() == 1);
  CHECK(t.wards.count("") == 0);  // the server's own identity is not a ward's device

  const WardTally total = t.Total();
  CHECK(total.forms.at("voter-meeting").live == 2);
  CHECK(total.forms.at("complaint").live == 1);
  CHECK(total.open_conflicts == 2);
  CHECK(total.section<MeetingTally>().meetings == 2);
  CHECK(total.section<MeetingTally>().attended == 14);
  CHECK(*total.section<MeetingTally>().typed.at("Y").ShareAgree() == Approx(1.0));
}

TEST_CASE("a sum of counts past 2^64 is an overflow, never a wrapped number") {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  ReportTally t;
  t.AddRecord(Meeting("a", "X", 3270, 100, 50));
  // Each valid alone; together with the first they pass 2^64: wrapped, the
  // city's invited would read 3,268 instead of overflowing.
  t.AddRecord(Meeting("a", "X", kMax, 100, 50));
  t.AddRecord(Meeting("b", "X", kMax, 100, 50));
  const WardTally total = t.Total();
  CHECK(total.section<MeetingTally>().invited.overflow());
  CHECK(total.section<MeetingTally>().invited.Text() == "OVERFLOW");
  CHECK(total.section<MeetingTally>().Overflowed());
  CHECK(total.section<MeetingTally>().attended == 300);  // the other figures stand
  CHECK(*total.section<MeetingTally>().typed.at("X").ShareAgree() == Approx(0.5));
  // Each ward alone fits.
  CHECK_FALSE(t.wards.at("a").section<MeetingTally>().Overflowed());
  CHECK(t.wards.at("b").section<MeetingTally>().invited == static_cast<uint64_t>(kMax));

  // A candidate's sums are checked the same way; its share is then unknown, not wrong.
  MeetingTally e;
  e.Add(Meeting("w", "Y", 10, kMax, kMax));
  e.Add(Meeting("w", "Y", 10, kMax, kMax));
  e.Add(Meeting("w", "Y", 10, 5, 5));
  CHECK(e.typed.at("Y").attended.overflow());
  CHECK(e.typed.at("Y").agree.overflow());
  CHECK_FALSE(e.typed.at("Y").ShareAgree());
  CHECK(e.Overflowed());
  CHECK(e.invited == 30);
}

TEST_CASE("Figure: checked addition, sticky overflow") {
  Figure f;
  f += std::numeric_limits<uint64_t>::max();
  CHECK(f == std::numeric_limits<uint64_t>::max());
  f += 0;
  CHECK_FALSE(f.overflow());
  f += 1;
  CHECK(f.overflow());
  f += 0;
  CHECK(f.overflow());  // stays overflowed
  Figure g;
  g += 5;
  g += f;
  CHECK(g.overflow());
}
