// The arithmetic of `report`, separate from the store so it can be tested:
// per ward, records per form, open conflicts, devices, the records under
// review, and one section per form of the election pack. Records are added
// one at a time (the store is streamed), so memory follows wards, forms,
// polling areas and candidates, plus the records named (under review, open
// incidents and complaints), never all records.
//
// Sections: each form's figures are one small tally in its own file
// (report_meetings.h, report_turnout.h, report_readiness.h,
// report_incidents.h, report_complaints.h, report_candidates.h,
// report_votes.h); ReportSections lists them. A
// section has the shape the ReportSection concept below states: its form,
// its JSON key, Add (every record goes to every section; each takes only
// live records of its own form), Merge (the city total), Overflowed,
// Apart (the records the section itself finds doubtful, such as two
// reports of one polling area at one checkpoint), Json and Text. A new
// section is one more such file and one more type in ReportSections;
// nothing else changes. (The vote section also reads turnout and readiness
// records, for the polling areas a ward knows.)
//
// Never summed silently: a record with an open RULE or REJECTED conflict
// (any open conflict other than VALUES), or a placeholder, is not summed by
// any section: its section counts it apart (`under_review`) and the ward
// names it in `review`, with the values a broken rule names. Figures of a
// record with only VALUES conflicts are the provisional values and are
// counted as such (`provisional`). Every sum of counts is checked
// (figure.h): one that exceeds 2^64 is an OVERFLOW, never a wrapped number.
#pragma once
#include <concepts>
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "proto/records.pb.h"
#include "proto/store.pb.h"
#include "server/audit/report_candidates.h"
#include "server/audit/report_common.h"
#include "server/audit/report_complaints.h"
#include "server/audit/report_incidents.h"
#include "server/audit/report_meetings.h"
#include "server/audit/report_readiness.h"
#include "server/audit/report_turnout.h"
#include "server/audit/report_votes.h"

namespace wardsync::server::audit {

template <class S>
concept ReportSection = std::default_initializable<S> && requires(S s, const S& cs,
                                                                  const wardsync::records::RecordState& r,
                                                                  std::vector<ReviewItem>* items,
                                                                  util::JsonWriter& w, std::ostream& out,
                                                                  const ReportContext& ctx) {
  { S::kForm } -> std::convertible_to<const char*>;
  { S::kJsonKey } -> std::convertible_to<const char*>;
  s.Add(r);
  s.Merge(cs);
  { cs.Overflowed() } -> std::same_as<bool>;
  cs.Apart(items);
  cs.Json(w, ctx);
  cs.Text(out, ctx);
};

// In the order they are shown.
using ReportSections = std::tuple<MeetingTally, TurnoutTally, ReadinessTally, IncidentTally, ComplaintTally,
                                  CandidateStructureTally, VoteTally>;

struct FormCount {
  uint64_t live = 0;
  uint64_t deleted = 0;
};

struct WardTally {
  std::map<std::string, FormCount> forms;
  uint64_t open_conflicts = 0;
  uint64_t records_in_conflict = 0;
  uint64_t rule_conflicts = 0;       // open, of kind RULE
  uint64_t rejected_changes = 0;     // open, of kind REJECTED
  std::vector<ReviewItem> review;    // records under review, in the order added
  std::vector<wardsync::store::Device> devices;
  ReportSections sections;

  void AddRecord(const wardsync::records::RecordState& r);
  // Another ward's figures into these (the city total; devices are not copied).
  void Merge(const WardTally& o);
  template <ReportSection S>
  const S& section() const { return std::get<S>(sections); }
  // Every record `report` names: the records under review, then those the
  // sections found doubtful (duplicates).
  std::vector<ReviewItem> Doubtful() const;
  // Some sum of counts went past 2^64 in some section.
  bool Overflowed() const;
  // Each section in order: f(section).
  template <class F>
  void ForEachSection(F&& f) const {
    std::apply([&](const auto&... s) { (f(s), ...); }, sections);
  }
};

// The whole report: one tally per ward plus the city total (devices are
// not copied into the total; count them per ward).
struct ReportTally {
  std::map<std::string, WardTally> wards;
  void AddRecord(const wardsync::records::RecordState& r) { wards[r.ward()].AddRecord(r); }
  // Devices of role "server" (the server's own identity) are not listed.
  void AddDevice(const wardsync::store::Device& d);
  WardTally Total() const;
};

}  // namespace wardsync::server::audit
