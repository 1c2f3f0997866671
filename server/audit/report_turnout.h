// Section "turnout" of `report` (form "turnout-report"): per checkpoint
// (`report_time`, e.g. 09h, 12h, 15h, 19h, shown with its label) the polling
// areas that reported, the voters on their lists, the voters who voted, the
// share, and the areas still missing at this checkpoint: the ward's areas in
// the published `polling-areas` list (version 2 picks its `polling_area`
// there), or, for a ward the list gives none, the areas that reported at
// some other checkpoint (version 1's typed `station_code`).
//
// One report per polling area and checkpoint: a second record for the same
// ward, `station_code` and `report_time` would count the area twice, so
// both are left out and named ("DUPLICATE"), never summed; the area counts
// as `duplicated` at that checkpoint. (A form with a unique key makes the
// second one a DUPLICATE conflict before it gets here; it is then under
// review and the first is summed alone.)
// Memory follows polling areas x checkpoints, not records: the figures are
// kept per area until the end so a duplicate arriving later can still be
// taken out.
#pragma once
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "server/audit/report_common.h"

namespace wardsync::server::audit {

inline constexpr const char* kTurnoutForm = "turnout-report";

struct CheckpointFigures {
  uint64_t areas = 0;             // areas whose report is summed
  Figure registered_voters;
  Figure votes_cast;
  Figure mobile_box_votes;
  uint64_t provisional = 0;       // summed reports with a value still in conflict
  uint64_t duplicated = 0;        // areas with more than one report here: not summed
  std::vector<AreaKey> missing;   // areas expected (report_common.h ExpectedAreas) that did not report here
  std::optional<double> Turnout() const { return Share(votes_cast, registered_voters); }
  bool Overflowed() const;
};

class TurnoutTally {
 public:
  static constexpr const char* kForm = kTurnoutForm;
  static constexpr const char* kJsonKey = "turnout";

  void Add(const wardsync::records::RecordState& r);
  void Merge(const TurnoutTally& o);
  // Per checkpoint, in the order of their values ("09h" < "12h" < ...).
  std::map<std::string, CheckpointFigures> Checkpoints(const ReportContext& ctx = {}) const;
  uint64_t reports() const { return reports_; }
  uint64_t under_review() const { return under_review_; }
  bool Overflowed() const;
  void Apart(std::vector<ReviewItem>* out) const;  // the duplicates
  void Json(util::JsonWriter& w, const ReportContext&) const;
  void Text(std::ostream& out, const ReportContext&) const;

 private:
  struct Report {
    std::string record;
    std::optional<uint64_t> registered, votes, mobile;
    bool provisional = false;
  };
  // checkpoint -> area -> its reports (more than one: duplicates)
  std::map<std::string, std::map<AreaKey, std::vector<Report>>> by_checkpoint_;
  uint64_t reports_ = 0;
  uint64_t under_review_ = 0;
};

}  // namespace wardsync::server::audit
