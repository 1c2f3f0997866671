// Section "complaints" of `report` (form "complaint"): complaints per status
// (`status`, counted by value), and every open one (status other than
// da-giai-quyet "resolved" and chuyen-co-quan-khac "passed to the competent
// body", or none) named with its age against its deadline:
//   age      = today - `received_date`, in days
//   due      = the record's own `due_date` if it has one (typed in
//              complaint 2, computed in complaint 3: report_computed.h
//              fills computed values in before the record is added), else
//              `received_date` + ReportContext::complaint_days
//   overdue  = today is after due
// Ages depend on the day the report is made, so they are worked out when it
// is rendered, not when records are added. A complaint without a valid
// received date has no age and no due date (shown as such, never guessed).
// Memory follows statuses plus the open complaints (named one by one).
#pragma once
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "common/forms/calendar_date.h"
#include "server/audit/report_common.h"

namespace wardsync::server::audit {

inline constexpr const char* kComplaintForm = "complaint";

// The calendar is the form language's (common/forms/calendar_date.h).
using forms_util::DateOfDay;
using forms_util::DayNumber;

struct OpenComplaint {
  std::string ward;
  std::string record;
  std::string received;   // YYYY-MM-DD as entered ("" when missing)
  std::string due_date;   // the record's own `due_date` (typed or computed), if any
  std::string kind;
  std::string subject;
  std::string status;
};

// An open complaint's standing on one day.
struct ComplaintAge {
  std::optional<int64_t> age_days;
  std::optional<std::string> due;
  std::optional<int64_t> days_left;   // negative: overdue by that many days
  bool overdue() const { return days_left && *days_left < 0; }
};
ComplaintAge AgeOf(const OpenComplaint& c, const ReportContext& ctx);

struct ComplaintTally {
  static constexpr const char* kForm = kComplaintForm;
  static constexpr const char* kJsonKey = "complaints";

  uint64_t complaints = 0;
  uint64_t provisional = 0;
  uint64_t under_review = 0;
  std::map<std::string, uint64_t> by_status;   // value ("" when not given)
  std::vector<OpenComplaint> open;

  void Add(const wardsync::records::RecordState& r);
  void Merge(const ComplaintTally& o);
  uint64_t Overdue(const ReportContext& ctx) const;
  bool Overflowed() const { return false; }   // counts only, one per record
  void Apart(std::vector<ReviewItem>*) const {}  // every doubtful complaint is already under review
  void Json(util::JsonWriter& w, const ReportContext& ctx) const;
  void Text(std::ostream& out, const ReportContext& ctx) const;
};

}  // namespace wardsync::server::audit
