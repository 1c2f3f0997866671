// Section "voter_meetings" of `report` (form "voter-meeting"): meetings
// held, invited, attended and the share agreeing per candidate.
//   held      = number of meetings counted
//   invited   = sum of `invited`, attended = sum of `attended`
//   per candidate (the `candidate` text, trimmed): meetings, attended, and
//   share agreeing = sum(agree) / sum(attended) over the meetings where
//   `agree` was recorded (a meeting without a vote count says nothing about
//   agreement, so it is left out of both sums); no such meeting -> no share.
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
  std::map<std::string, CandidateTally> candidates;

  void Add(const wardsync::records::RecordState& r);
  void Merge(const MeetingTally& o);
  // Some sum of counts went past 2^64 (shown as OVERFLOW, never wrapped).
  bool Overflowed() const;
  void Apart(std::vector<ReviewItem>*) const {}  // every doubtful meeting is already under review
  void Json(util::JsonWriter& w, const ReportContext&) const;
  void Text(std::ostream& out, const ReportContext&) const;
};

}  // namespace wardsync::server::audit
