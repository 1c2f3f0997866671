// Section "candidates" of `report` (form "candidate", the candidate
// register): the structure the committee must balance, per level
// (`level`): candidates, women (`gender` = "nu"), under 40, non-party
// (`party_member` false), ethnic minority, re-standing, each as a count and
// a share of the level's candidates. The city's figures are the merge of the
// wards' (WardTally::Merge), so every level is shown per ward and for the
// city.
//
// Age: the year of the report's day (`--today`) minus `birth_year`, kept per
// birth year so the same tally answers for any day. A value left empty is
// counted as `unknown` for that attribute, never as "no".
#pragma once
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "server/audit/report_common.h"

namespace wardsync::server::audit {

inline constexpr const char* kCandidateForm = "candidate";

struct Attribute {
  Figure yes;
  Figure unknown;
};

struct LevelStructure {
  Figure candidates;
  uint64_t provisional = 0;   // summed records with a value still in conflict
  Attribute women, non_party, ethnic_minority, re_standing;
  std::map<uint64_t, Figure> by_birth_year;
  Figure birth_year_unknown;
  // Under 40 in `year`; `unknown` = no birth year.
  Attribute UnderForty(uint64_t year) const;
  void Merge(const LevelStructure& o);
  bool Overflowed() const;
};

class CandidateStructureTally {
 public:
  static constexpr const char* kForm = kCandidateForm;
  static constexpr const char* kJsonKey = "candidates";

  void Add(const wardsync::records::RecordState& r);
  void Merge(const CandidateStructureTally& o);
  const std::map<std::string, LevelStructure>& levels() const { return levels_; }
  uint64_t under_review() const { return under_review_; }
  bool Overflowed() const;
  void Apart(std::vector<ReviewItem>*) const {}  // nothing beyond the records under review
  void Json(util::JsonWriter& w, const ReportContext& ctx) const;
  void Text(std::ostream& out, const ReportContext& ctx) const;

 private:
  std::map<std::string, LevelStructure> levels_;
  uint64_t under_review_ = 0;
};

// The year of a YYYY-MM-DD day; 0 when it is not one.
uint64_t YearOf(const std::string& day);

}  // namespace wardsync::server::audit
