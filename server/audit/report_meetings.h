// Section "voter_meetings" of `report` (form "voter-meeting"): meetings
// held, invited, attended and the share agreeing per candidate.
//   held      = number of meetings counted
//   invited   = sum of `invited`, attended = sum of `attended`
//   per candidate: meetings, attended, and share agreeing = sum(agree) /
//   sum(attended) over the meetings where `agree` was recorded (a meeting
//   without a vote count says nothing about agreement, so it is left out of
//   both sums); no such meeting -> no share.
//
// Which candidate: version 2 picks `candidate` from the published list
// `candidates` (a choice value, shown with its label); version 1 typed a
// name (a text value, trimmed). The two are kept apart as they are added (a
// typed name never meets a list value that happens to be spelt alike). When
// shown, a typed name that is exactly the label of one candidate of the
// field's list is counted on that candidate's line, which says how many of
// its meetings were typed; any other typed name (no such label, or the label
// of several candidates) is its own line, marked as typed: never merged
// silently, never dropped.
// Memory follows the number of candidates, not of meetings.
#pragma once
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "server/audit/report_common.h"

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

struct MeetingTally {
  static constexpr const char* kForm = kVoterMeetingForm;
  static constexpr const char* kJsonKey = "voter_meetings";

  uint64_t meetings = 0;
  Figure invited;
  Figure attended;
  uint64_t provisional = 0;      // meetings counted with a value still in conflict
  uint64_t under_review = 0;     // meetings left out of every figure (named in the ward's review list)
  std::map<std::string, CandidateTally> picked;  // list value (version 2) -> its meetings
  std::map<std::string, CandidateTally> typed;   // name as typed (version 1), trimmed -> its meetings

  void Add(const wardsync::records::RecordState& r);
  void Merge(const MeetingTally& o);
  // Some sum of counts went past 2^64 (shown as OVERFLOW, never wrapped).
  bool Overflowed() const;
  void Apart(std::vector<ReviewItem>*) const {}  // every doubtful meeting is already under review
  void Json(util::JsonWriter& w, const ReportContext&) const;
  void Text(std::ostream& out, const ReportContext&) const;

  // One line of the per-candidate figures, as shown (typed names matched to
  // list labels, see above).
  struct Line {
    std::string candidate;      // list value, or the name as typed
    std::string label;          // the list label; "" for a typed name on its own line
    bool typed = false;         // a typed name on its own line
    std::vector<std::string> homonyms;  // typed: the list values whose label it is (2 or more), else none
    uint64_t typed_meetings = 0;        // of the line's meetings, those with the name typed (version 1)
    CandidateTally figures;
  };
  std::vector<Line> Lines(const ReportContext& ctx) const;
};

}  // namespace wardsync::server::audit
