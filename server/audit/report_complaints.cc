#include "server/audit/report_complaints.h"

#include "common/forms/calendar_date.h"

namespace wardsync::server::audit {

using wardsync::records::RecordState;

namespace {

bool Closed(const std::string& status) { return status == "da-giai-quyet" || status == "chuyen-co-quan-khac"; }

}  // namespace

ComplaintAge AgeOf(const OpenComplaint& c, const ReportContext& ctx) {
  ComplaintAge a;
  const auto today = DayNumber(ctx.today);
  const auto received = DayNumber(c.received);
  std::optional<int64_t> due = DayNumber(c.due_date);
  if (!due && received) due = *received + ctx.complaint_days;
  if (due) a.due = DateOfDay(*due);
  if (!a.due) due.reset();  // past 9999-12-31: no date to show, no days left to count
  if (today && received) a.age_days = *today - *received;
  if (today && due) a.days_left = *due - *today;
  return a;
}

void ComplaintTally::Add(const RecordState& r) {
  if (!Take(r, kForm, &provisional, &under_review)) return;
  ++complaints;
  const std::string status = Word(r, "status");
  ++by_status[status];
  if (!Closed(status)) {
    open.push_back({r.ward(), RecordHex(r), Word(r, "received_date"), Word(r, "due_date"), Word(r, "kind"),
                    Word(r, "subject"), status});
  }
}

void ComplaintTally::Merge(const ComplaintTally& o) {
  complaints += o.complaints;
  provisional += o.provisional;
  under_review += o.under_review;
  for (const auto& [status, n] : o.by_status) by_status[status] += n;
  open.insert(open.end(), o.open.begin(), o.open.end());
}

uint64_t ComplaintTally::Overdue(const ReportContext& ctx) const {
  uint64_t n = 0;
  for (const auto& c : open) n += AgeOf(c, ctx).overdue() ? 1 : 0;
  return n;
}

void ComplaintTally::Json(util::JsonWriter& w, const ReportContext& ctx) const {
  w.BeginObject().Key("complaints").Uint(complaints).Key("open").Uint(open.size()).Key("overdue").Uint(Overdue(ctx));
  w.Key("provisional").Uint(provisional).Key("under_review").Uint(under_review).Key("by_status").BeginObject();
  for (const auto& [status, n] : by_status) w.Key(status).Uint(n);
  w.EndObject().Key("open_complaints").BeginArray();
  for (const auto& c : open) {
    const ComplaintAge a = AgeOf(c, ctx);
    w.BeginObject().Key("ward").String(c.ward).Key("record").String(c.record).Key("received_date").String(c.received);
    w.Key("kind").String(c.kind).Key("subject").String(c.subject).Key("status").String(c.status);
    w.Key("age_days");
    if (a.age_days) w.Int(*a.age_days);
    else w.Null();
    w.Key("due");
    if (a.due) w.String(*a.due);
    else w.Null();
    w.Key("days_left");
    if (a.days_left) w.Int(*a.days_left);
    else w.Null();
    w.Key("overdue").Bool(a.overdue()).EndObject();
  }
  w.EndArray().EndObject();
}

void ComplaintTally::Text(std::ostream& out, const ReportContext& ctx) const {
  if (complaints == 0 && under_review == 0) return;
  out << "  complaints: " << complaints << ", " << open.size() << " open, " << Overdue(ctx) << " past their deadline"
      << " (on " << ctx.today;
  const char* sep = "; ";
  for (const auto& [status, n] : by_status) {
    out << sep << (status.empty() ? "(no status)" : status) << " " << n;
    sep = ", ";
  }
  out << ")";
  if (provisional) out << ", " << provisional << " with figures still in conflict";
  out << "\n";
  for (const auto& c : open) {
    const ComplaintAge a = AgeOf(c, ctx);
    out << "    open: " << c.ward << "  received " << (c.received.empty() ? "(no date)" : c.received);
    if (a.age_days) out << ", " << *a.age_days << " day" << (*a.age_days == 1 ? "" : "s") << " old";
    if (a.due) out << ", due " << *a.due;
    if (a.overdue()) out << ", OVERDUE by " << -*a.days_left << " day" << (*a.days_left == -1 ? "" : "s");
    out << "  " << c.kind << "/" << c.subject << "  " << c.record << "\n";
  }
  if (under_review) {
    out << "    (+" << under_review << " complaint" << (under_review == 1 ? "" : "s")
        << " under review, left out of every figure here; listed above)\n";
  }
}

}  // namespace wardsync::server::audit
