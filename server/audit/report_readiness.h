// Section "readiness" of `report` (form "polling-station-readiness"): the
// polling areas checked, how many of each overall assessment (`readiness`:
// san-sang / can-bo-sung / chua-dat, counted by value), the voters on their
// lists, and each area not ready (assessed other than "san-sang", or its
// voter list, or (version 2) its candidate list, not posted) named with its
// record; per area its latest state with the labels of its list value and
// assessment; and the areas not checked yet: the ward's areas in the
// published `polling-areas` list (version 2 picks `polling_area` there; see
// report_common.h ExpectedAreas) with no check taken or in doubt.
//
// An area may be checked again after its shortcomings were fixed: its
// latest check (by `check_date`) is its state. Two checks of one area on
// that same latest day disagree about which holds, so neither is taken:
// the area counts as `in_doubt` and both records are named ("DUPLICATE").
// Memory follows polling areas, not records.
#pragma once
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "server/audit/report_common.h"

namespace wardsync::server::audit {

inline constexpr const char* kReadinessForm = "polling-station-readiness";
inline constexpr const char* kReadyValue = "san-sang";

struct NotReadyArea {
  AreaKey area;
  std::string record;
  std::string readiness;              // the assessment's value
  std::optional<bool> list_posted;    // `voter_list_posted`
  std::optional<bool> candidates_posted;  // `candidate_list_posted` (version 2)
  std::string issues;
};

struct ReadinessFigures {
  uint64_t areas = 0;                             // areas whose latest check is taken
  std::map<std::string, uint64_t> by_readiness;   // value -> areas ("" when not assessed)
  uint64_t list_not_posted = 0;
  Figure registered_voters;
  uint64_t provisional = 0;
  uint64_t in_doubt = 0;                          // two checks on the latest day: neither taken
  std::vector<NotReadyArea> not_ready;
  std::vector<NotReadyArea> by_area;              // every area taken, its latest state
  std::vector<AreaKey> not_checked;               // expected, with no check taken
};

class ReadinessTally {
 public:
  static constexpr const char* kForm = kReadinessForm;
  static constexpr const char* kJsonKey = "readiness";

  void Add(const wardsync::records::RecordState& r);
  void Merge(const ReadinessTally& o);
  ReadinessFigures Figures(const ReportContext& ctx = {}) const;
  uint64_t checks() const { return checks_; }
  uint64_t under_review() const { return under_review_; }
  bool Overflowed() const { return Figures().registered_voters.overflow(); }
  void Apart(std::vector<ReviewItem>* out) const;  // two checks of one area on its latest day
  void Json(util::JsonWriter& w, const ReportContext&) const;
  void Text(std::ostream& out, const ReportContext&) const;

 private:
  struct Check {
    std::string record;
    std::string readiness;
    std::optional<bool> list_posted;
    std::optional<bool> candidates_posted;
    std::optional<uint64_t> registered;
    std::string issues;
    bool provisional = false;
  };
  struct Latest {
    std::string date;
    std::vector<Check> checks;   // all the checks of that day
  };
  void Keep(const AreaKey& area, const std::string& date, std::vector<Check> checks);
  std::map<AreaKey, Latest> areas_;
  uint64_t checks_ = 0;
  uint64_t under_review_ = 0;
};

}  // namespace wardsync::server::audit
