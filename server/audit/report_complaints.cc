#include "server/audit/report_complaints.h"

#include <cstdio>

#include "common/forms/calendar_date.h"

namespace wardsync::server::audit {

using wardsync::records::RecordState;

namespace {

bool Closed(const std::string& status) { return status == "da-giai-quyet" || status == "chuyen-co-quan-khac"; }

}  // namespace

// Days from civil (H. Hinnant's algorithm, proleptic Gregorian calendar).
std::optional<int64_t> DayNumber(const std::string& date) {
  if (!forms_util::IsCalendarDate(date)) return std::nullopt;
  int64_t y = std::stoi(date.substr(0, 4));
  const int64_t m = std::stoi(date.substr(5, 2));
  const int64_t d = std::stoi(date.substr(8, 2));
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::string DateOfDay(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp + (mp < 10 ? 3 : -9);
  const int64_t y = yoe + era * 400 + (m <= 2);
  char buf[64];  // room for any int64 year, though a real date has four digits
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(y), static_cast<long long>(m),
                static_cast<long long>(d));
  return buf;
}

ComplaintAge AgeOf(const OpenComplaint& c, const ReportContext& ctx) {
  ComplaintAge a;
  const auto today = DayNumber(ctx.today);
  const auto received = DayNumber(c.received);
  std::optional<int64_t> due = DayNumber(c.deadline);
  if (!due && received) due = *received + ctx.complaint_days;
  if (due) a.due = DateOfDay(*due);
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
    open.push_back({r.ward(), RecordHex(r), Word(r, "received_date"), Word(r, "deadline"), Word(r, "kind"),
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
