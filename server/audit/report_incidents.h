// Section "incidents" of `report` (form "security-incident"): per severity
// (`severity`, counted by value) the incidents, how many are still open
// (`resolved` not true), the people involved and injured; every open
// incident is named with its date, category and place so the committee can
// follow it up.
// Memory follows severities plus the open incidents (named one by one).
#pragma once
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "server/audit/report_common.h"

namespace wardsync::server::audit {

inline constexpr const char* kIncidentForm = "security-incident";

struct SeverityFigures {
  uint64_t incidents = 0;
  uint64_t open = 0;
  Figure people_involved;
  Figure injured;
};

struct OpenIncident {
  std::string ward;
  std::string record;
  std::string date;
  std::string severity;
  std::string category;
  std::string location;
  std::optional<bool> police_notified;
};

struct IncidentTally {
  static constexpr const char* kForm = kIncidentForm;
  static constexpr const char* kJsonKey = "incidents";

  uint64_t incidents = 0;
  uint64_t provisional = 0;
  uint64_t under_review = 0;
  std::map<std::string, SeverityFigures> by_severity;   // value ("" when not given)
  std::vector<OpenIncident> open;

  void Add(const wardsync::records::RecordState& r);
  void Merge(const IncidentTally& o);
  bool Overflowed() const;
  void Apart(std::vector<ReviewItem>*) const {}  // every doubtful incident is already under review
  void Json(util::JsonWriter& w, const ReportContext&) const;
  void Text(std::ostream& out, const ReportContext&) const;
};

}  // namespace wardsync::server::audit
