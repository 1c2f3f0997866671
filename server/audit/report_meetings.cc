#include "server/audit/report_meetings.h"

namespace wardsync::server::audit {

using wardsync::records::RecordState;

std::optional<double> CandidateTally::ShareAgree() const { return Share(agree, voted_attended); }

void CandidateTally::Add(const CandidateTally& o) {
  meetings += o.meetings;
  attended += o.attended;
  voted_meetings += o.voted_meetings;
  voted_attended += o.voted_attended;
  agree += o.agree;
}

void MeetingTally::Add(const RecordState& r) {
  if (!Take(r, kForm, &provisional, &under_review)) return;
  ++meetings;
  const auto invited_n = Count(r, "invited");
  const auto attended_n = Count(r, "attended");
  const auto agree_n = Count(r, "agree");
  invited += invited_n.value_or(0);
  attended += attended_n.value_or(0);
  std::string name = Word(r, "candidate");
  if (name.empty()) name = "(no candidate named)";
  CandidateTally& c = candidates[name];
  ++c.meetings;
  c.attended += attended_n.value_or(0);
  if (agree_n) {
    ++c.voted_meetings;
    c.voted_attended += attended_n.value_or(0);
    c.agree += *agree_n;
  }
}

void MeetingTally::Merge(const MeetingTally& o) {
  meetings += o.meetings;
  invited += o.invited;
  attended += o.attended;
  provisional += o.provisional;
  under_review += o.under_review;
  for (const auto& [name, c] : o.candidates) candidates[name].Add(c);
}

bool MeetingTally::Overflowed() const {
  if (invited.overflow() || attended.overflow()) return true;
  for (const auto& [name, c] : candidates) {
    if (c.attended.overflow() || c.voted_attended.overflow() || c.agree.overflow()) return true;
  }
  return false;
}

void MeetingTally::Json(util::JsonWriter& w, const ReportContext& ctx) const {
  w.BeginObject().Key("meetings").Uint(meetings);
  FigureJson(w, "invited", invited);
  FigureJson(w, "attended", attended);
  w.Key("overflow").Bool(Overflowed());
  w.Key("provisional").Uint(provisional).Key("under_review").Uint(under_review).Key("candidates").BeginArray();
  for (const auto& [name, c] : candidates) {
    // Keyed by the list value (version 2) or the name as typed (version 1).
    w.BeginObject().Key("candidate").String(name).Key("label").String(Label(ctx, kForm, "candidate", name));
    w.Key("meetings").Uint(c.meetings);
    FigureJson(w, "attended", c.attended);
    w.Key("voted_meetings").Uint(c.voted_meetings);
    FigureJson(w, "voted_attended", c.voted_attended);
    FigureJson(w, "agree", c.agree);
    ShareJson(w, "share_agree", c.ShareAgree());
    w.EndObject();
  }
  w.EndArray().EndObject();
}

void MeetingTally::Text(std::ostream& out, const ReportContext& ctx) const {
  if (meetings == 0 && under_review == 0) return;
  out << "  voter meetings: " << meetings << " held, " << invited << " invited, " << attended << " attended";
  if (provisional) out << " (" << provisional << " with figures still in conflict)";
  out << "\n";
  if (under_review) {
    out << "    (+" << under_review << " meeting" << (under_review == 1 ? "" : "s")
        << " under review, left out of every figure here; listed above)\n";
  }
  for (const auto& [name, c] : candidates) {
    const std::string label = Label(ctx, kForm, "candidate", name);
    out << "    " << (label.empty() ? name : label + " (" + name + ")") << ": " << c.meetings << " meeting" << (c.meetings == 1 ? "" : "s") << ", " << c.attended
        << " attended; agree " << c.agree << " of " << c.voted_attended << " attended where a vote was counted = "
        << Percent(c.ShareAgree()) << "\n";
  }
}

}  // namespace wardsync::server::audit
