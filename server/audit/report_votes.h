// Section "votes" of `report` (form "tally-minutes", the vote-count minutes
// of one polling area for one level): per level (`level`) and constituency
// (`constituency`), the sum of each candidate's votes over the polling areas
// (`polling_area`) whose minutes are summed, and per level the polling areas
// still missing.
//
// Candidates are the rows of the repeat group `candidates` (stored
// flattened, "candidates[ROW]" marker + "candidates[ROW].full_name" /
// ".votes", forms/README.md); a removed row (cleared marker) is not read.
// A candidate is `candidate`, a value of the published list "candidates"
// (version 3 on), shown by its label; minutes of versions 1-2 name one by
// `full_name` as typed, each spelling its own line.
// A constituency is `constituency`, a value of the published list
// "constituencies" (version 4 on), shown by its label; minutes of versions
// 1-3 typed it ("1"): each typed spelling is its own constituency, kept apart
// from the list values (never merged with one spelt alike) and marked typed.
//
// Never summed silently, beyond the records under review (report_tally.h):
// - two minutes of one polling area for one level (same ward, level,
//   polling_area) would count the area twice: neither is summed, both are
//   named ("DUPLICATE"), the area counts as `duplicated`;
// - minutes with a row without a name or without votes, or naming one
//   candidate twice, cannot be summed as entered: named ("INCOMPLETE").
//
// Missing: every polling area votes for every level, so an area of a ward is
// missing at a level when it is expected and no minutes of that level for it
// are kept here (summed, duplicated or incomplete; minutes under review
// leave their area missing until resolved). Expected (report_common.h
// ExpectedAreas): the ward's areas in the published `polling-areas` list;
// for a ward the list gives none, the areas its records name (any live
// turnout-report or polling-station-readiness, by `polling_area` or the
// typed `station_code`, or minutes of another level). Which constituency the
// area belongs to is not known here, so missing areas are per level.
#pragma once
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/audit/report_common.h"

namespace wardsync::server::audit {

inline constexpr const char* kTallyMinutesForm = "tally-minutes";

struct ConstituencyVotes {
  uint64_t areas = 0;         // areas whose minutes are summed
  uint64_t provisional = 0;   // summed minutes with a value still in conflict
  uint64_t duplicated = 0;    // areas with two minutes: not summed
  uint64_t incomplete = 0;    // minutes that cannot be summed as entered
  std::map<std::string, Figure> votes;  // candidate -> votes
  bool Overflowed() const;
};

struct LevelVotes {
  std::map<std::string, ConstituencyVotes> constituencies;        // by list value (version 4 on)
  std::map<std::string, ConstituencyVotes> typed_constituencies;  // as typed (versions 1-3), trimmed
  std::vector<AreaKey> missing;
};

class VoteTally {
 public:
  static constexpr const char* kForm = kTallyMinutesForm;
  static constexpr const char* kJsonKey = "votes";

  void Add(const wardsync::records::RecordState& r);
  void Merge(const VoteTally& o);
  // Per level, computed from the minutes kept.
  std::map<std::string, LevelVotes> Levels(const ReportContext& ctx = {}) const;
  uint64_t minutes() const { return minutes_; }
  uint64_t under_review() const { return under_review_; }
  bool Overflowed() const;
  void Apart(std::vector<ReviewItem>* out) const;  // duplicates and incomplete minutes
  void Json(util::JsonWriter& w, const ReportContext&) const;
  void Text(std::ostream& out, const ReportContext&) const;

 private:
  struct Minutes {
    std::string record;
    std::string constituency;
    bool constituency_typed = false;  // a text value (versions 1-3), not a list value
    std::vector<std::pair<std::string, uint64_t>> votes;  // as entered, in row order
    std::string incomplete;  // why it cannot be summed; "" when it can
    bool provisional = false;
  };
  // level -> area -> its minutes (more than one: duplicates)
  std::map<std::string, std::map<AreaKey, std::vector<Minutes>>> by_level_;
  std::set<AreaKey> known_;  // areas named by any report of their ward
  uint64_t minutes_ = 0;
  uint64_t under_review_ = 0;
};

}  // namespace wardsync::server::audit
