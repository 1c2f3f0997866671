// The arithmetic of `report`, separate from the store so it can be tested:
// per ward, records per form, open conflicts and devices; for the election
// pack, voter meetings held, invited, attended and the share agreeing per
// candidate. Records are added one at a time (the store is streamed), so
// memory follows the number of wards, forms and candidates, not records.
//
// Voter meetings (form "voter-meeting", live records only):
//   held      = number of meetings
//   invited   = sum of `invited`, attended = sum of `attended`
//   per candidate (the `candidate` text, trimmed): meetings, attended, and
//   share agreeing = sum(agree) / sum(attended) over the meetings where
//   `agree` was recorded (a meeting without a vote count says nothing about
//   agreement, so it is left out of both sums); no such meeting -> no share.
// Figures of records with an open VALUES conflict are the provisional values
// and are counted as such (`provisional` says how many). A record with an
// open RULE or REJECTED conflict is not summed at all: its figures break a
// form rule (agree 55 of 52 attended) or an officer's change to them was
// rejected, so it is counted apart (`under_review`) and named in the ward's
// `review` list. A placeholder (a record never created, holding only
// rejected changes) is no record of its form: it is only named in `review`.
// Every sum of counts is checked (figure.h): one that exceeds 2^64 is an
// OVERFLOW, never a wrapped number.
// Memory follows wards x forms x candidates, plus the records under review.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "proto/records.pb.h"
#include "server/audit/figure.h"
#include "proto/store.pb.h"

namespace wardsync::server::audit {

inline constexpr const char* kVoterMeetingForm = "voter-meeting";

struct CandidateTally {
  uint64_t meetings = 0;
  Figure attended;
  uint64_t voted_meetings = 0;   // meetings where `agree` was recorded
  Figure voted_attended;         // attended at those meetings
  Figure agree;
  // agree / voted_attended; nullopt when nobody attended a meeting with a
  // vote, or when either sum overflowed.
  std::optional<double> ShareAgree() const;
  void Add(const CandidateTally& o);
};

struct ElectionTally {
  uint64_t meetings = 0;
  Figure invited;
  Figure attended;
  uint64_t provisional = 0;      // meetings counted with a value still in conflict
  uint64_t under_review = 0;     // meetings left out of every figure: open RULE/REJECTED conflict
  std::map<std::string, CandidateTally> candidates;
  void AddMeeting(const wardsync::records::RecordState& r);
  void Add(const ElectionTally& o);
  // Some sum of counts went past 2^64 (shown as OVERFLOW, never wrapped).
  bool Overflowed() const;
};

struct FormCount {
  uint64_t live = 0;
  uint64_t deleted = 0;
};

// A record whose figures are not taken: what `report` names.
struct ReviewItem {
  std::string record;   // id, 32 hex digits
  std::string form;
  std::string what;     // render::ReviewMark: "RULE BROKEN: ...; REJECTED: ..."
  std::string values;   // the values of the fields a broken rule names, "agree=55, attended=52"
};

struct WardTally {
  std::map<std::string, FormCount> forms;
  uint64_t open_conflicts = 0;
  uint64_t records_in_conflict = 0;
  uint64_t rule_conflicts = 0;       // open, of kind RULE
  uint64_t rejected_changes = 0;     // open, of kind REJECTED
  std::vector<ReviewItem> review;    // records under review, in the order added
  std::vector<wardsync::store::Device> devices;
  ElectionTally election;
  void AddRecord(const wardsync::records::RecordState& r);
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
