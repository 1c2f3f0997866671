// The due date `report` gives an open complaint, by the form version the
// record was made against: complaint 2's typed `due_date`, complaint 3's
// computed one (filled in by FillComputed with the published pack, as
// cmd_report does before adding a record), and received + --complaint-days
// for a record with neither.
#include <catch2/catch.hpp>

#include "common/forms/form_loader.h"
#include "common/forms/form_registry.h"
#include "server/audit/report_complaints.h"
#include "server/audit/report_computed.h"
#include "tests/unit/forms/forms_fixtures.h"

using namespace wardsync::server::audit;
using wardsync::records::RecordState;

namespace {

wardsync::forms_util::FormRegistry Pack() {
  auto pack = wardsync::forms_util::LoadFormPack(forms_test::ElectionPackDir());
  REQUIRE(pack.ok());
  wardsync::forms_util::FormRegistry registry;
  for (const auto& f : pack->forms) REQUIRE(registry.Add(f).ok());
  for (const auto& l : pack->choice_lists) REQUIRE(registry.AddChoiceList(l).ok());
  return registry;
}

RecordState Complaint(uint32_t version, const std::string& received, const std::string& subject) {
  static int next = 1;
  RecordState r;
  r.set_form_id(kComplaintForm);
  r.set_form_version(version);
  r.set_ward("phuong-cam-gia");
  r.set_record_id(std::string(15, '\0') + static_cast<char>(next++));
  auto set = [&r](const std::string& f) { return (*r.mutable_fields())[f].mutable_value(); };
  set("received_date")->set_date(received);
  set("kind")->set_choice("khieu-nai");
  set("subject")->set_choice(subject);
  set("complainant")->set_text("Nguyễn Văn Bình");
  set("summary")->set_text("Thiếu tên");
  set("status")->set_choice("dang-xu-ly");
  return r;
}

std::string Due(const RecordState& r) { return r.fields().count("due_date") ? r.fields().at("due_date").value().date() : ""; }

}  // namespace

TEST_CASE("report: complaint 3 computes its due date by subject, complaint 2 keeps the typed one", "[report]") {
  const auto registry = Pack();
  auto voters = Complaint(3, "2021-05-14", "danh-sach-cu-tri");
  auto candidate = Complaint(3, "2021-04-20", "nguoi-ung-cu");
  auto late_candidate = Complaint(3, "2021-05-08", "nguoi-ung-cu");
  auto results = Complaint(3, "2021-06-02", "ket-qua-bau-cu");
  auto other = Complaint(3, "2021-12-28", "to-chuc-bau-cu");
  auto typed = Complaint(2, "2021-05-14", "nguoi-ung-cu");
  (*typed.mutable_fields())["due_date"].mutable_value()->set_date("2021-06-13");
  auto untyped = Complaint(2, "2021-05-14", "nguoi-ung-cu");
  auto unknown_version = Complaint(9, "2021-05-14", "danh-sach-cu-tri");
  for (auto* r : {&voters, &candidate, &late_candidate, &results, &other, &typed, &untyped, &unknown_version}) {
    FillComputed(registry, r);
  }
  CHECK(Due(voters) == "2021-05-19");          // voter list: 5 days (art. 33)
  CHECK(Due(candidate) == "2021-04-30");       // candidates: the pack's 10 days...
  CHECK(Due(late_candidate) == "2021-05-12");  // ...but no later than the day before the art. 61 stop (13 May 2021)
  CHECK(Due(results) == "2021-06-22");         // People's Council results: 20 days (art. 87)
  CHECK(Due(other) == "2022-01-07");      // other subjects: the pack's default 10, across the year end
  CHECK(Due(typed) == "2021-06-13");      // version 2: what the clerk typed, untouched
  CHECK(Due(untyped).empty());            // version 2 without one: nothing invented here
  CHECK(Due(unknown_version).empty());    // no such version published: left as it is

  // A computed value the record cannot have yet stays empty: no day
  // received, or no subject yet (not "10 days" by default).
  auto undated = Complaint(3, "", "danh-sach-cu-tri");
  undated.mutable_fields()->erase("received_date");
  FillComputed(registry, &undated);
  CHECK(Due(undated).empty());
  auto no_subject = Complaint(3, "2021-05-14", "");
  no_subject.mutable_fields()->erase("subject");
  FillComputed(registry, &no_subject);
  CHECK(Due(no_subject).empty());

  ComplaintTally t;
  for (const auto* r : {&voters, &candidate, &other, &typed, &untyped, &undated}) t.Add(*r);
  REQUIRE(t.open.size() == 6);
  ReportContext ctx;
  ctx.today = "2021-05-23";
  ctx.complaint_days = 7;
  const ComplaintAge a = AgeOf(t.open[0], ctx);
  CHECK(a.due == "2021-05-19");
  CHECK(a.age_days == 9);
  CHECK(a.days_left == -4);
  CHECK(a.overdue());
  CHECK(AgeOf(t.open[1], ctx).days_left == -23);  // the candidate complaint of 20 April, due 30 April
  CHECK(AgeOf(t.open[2], ctx).age_days == -219);  // received after "today": a negative age, said as it is
  CHECK(AgeOf(t.open[3], ctx).due == "2021-06-13");
  CHECK(AgeOf(t.open[4], ctx).due == "2021-05-21");  // received + --complaint-days
  CHECK(AgeOf(t.open[4], ctx).overdue());
  CHECK_FALSE(AgeOf(t.open[5], ctx).due);
  CHECK(t.Overdue(ctx) == 3);
}

TEST_CASE("report: a due date past 9999-12-31 is no date, never a five-digit year", "[report]") {
  OpenComplaint c;
  c.received = "9999-12-30";
  ReportContext ctx;
  ctx.today = "9999-12-31";
  ctx.complaint_days = 5;
  const ComplaintAge a = AgeOf(c, ctx);
  CHECK_FALSE(a.due);
  CHECK_FALSE(a.days_left);
  CHECK(a.age_days == 1);
}
