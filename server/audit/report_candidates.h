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
//
// Versions 2-3 name the candidate by a value of the published list
// `candidates`: one candidate registered by two records (two wards, or a
// DUPLICATE the ward has not resolved yet reaching the city) would be counted
// twice, so neither is counted; both are named ("DUPLICATE") and the level
// counts the candidate as `duplicated`. Version 1's typed names are not
// compared (two spellings of one person cannot be told apart). Version 3
// picks `constituency` from the list `constituencies` (version 2 typed it):
// the structure is per level, so neither is read here and both count alike.
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
  uint64_t duplicated = 0;    // list candidates registered by more than one record: not counted
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
  // Per level: version 1's records and each list candidate registered once.
  std::map<std::string, LevelStructure> levels() const;
  uint64_t under_review() const { return under_review_; }
  bool Overflowed() const;
  void Apart(std::vector<ReviewItem>* out) const;  // a list candidate registered twice
  void Json(util::JsonWriter& w, const ReportContext& ctx) const;
  void Text(std::ostream& out, const ReportContext& ctx) const;

 private:
  struct Registered {
    std::string record;
    std::string level;
    LevelStructure figures;  // of this one record
  };
  std::map<std::string, LevelStructure> levels_;            // version 1 (typed names)
  std::map<std::string, std::vector<Registered>> listed_;   // list value -> its records
  uint64_t under_review_ = 0;
};

// The year of a YYYY-MM-DD day; 0 when it is not one.
uint64_t YearOf(const std::string& day);

}  // namespace wardsync::server::audit
