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
  // The value's kind says which: a choice was picked from the list, a text
  // was typed (whatever the version number).
  std::string name = Word(r, "candidate");
  CandidateTally& c = name.empty() ? picked["(no candidate named)"] : Typed(r, "candidate") ? typed[name] : picked[name];
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
  for (const auto& [name, c] : o.picked) picked[name].Add(c);
  for (const auto& [name, c] : o.typed) typed[name].Add(c);
}

bool MeetingTally::Overflowed() const {
  if (invited.overflow() || attended.overflow()) return true;
  for (const auto* m : {&picked, &typed}) {
    for (const auto& [name, c] : *m) {
      if (c.attended.overflow() || c.voted_attended.overflow() || c.agree.overflow()) return true;
    }
  }
  return false;
}

std::vector<MeetingTally::Line> MeetingTally::Lines(const ReportContext& ctx) const {
  // label -> the list values carrying it, from the labels of the form's
  // `candidate` field (every version's list, report_choices.h).
  std::map<std::string, std::vector<std::string>> by_label;
  if (auto f = ctx.field_labels.find(std::string(kForm) + "/candidate"); f != ctx.field_labels.end()) {
    for (const auto& [value, label] : f->second) by_label[label].push_back(value);
  }
  std::map<std::string, Line> listed;  // by list value
  for (const auto& [value, c] : picked) {
    Line& l = listed[value];
    l.candidate = value;
    l.label = Label(ctx, kForm, "candidate", value);
    l.figures.Add(c);
  }
  std::vector<Line> apart;
  for (const auto& [name, c] : typed) {
    auto m = by_label.find(name);
    if (m != by_label.end() && m->second.size() == 1) {
      Line& l = listed[m->second.front()];
      l.candidate = m->second.front();
      l.label = name;
      l.typed_meetings += c.meetings;
      l.figures.Add(c);
      continue;
    }
    Line l{name, "", true, {}, c.meetings, c};
    if (m != by_label.end()) l.homonyms = m->second;
    apart.push_back(std::move(l));
  }
  std::vector<Line> out;
  for (auto& [value, l] : listed) out.push_back(std::move(l));
  for (auto& l : apart) out.push_back(std::move(l));
  return out;
}

void MeetingTally::Json(util::JsonWriter& w, const ReportContext& ctx) const {
  w.BeginObject().Key("meetings").Uint(meetings);
  FigureJson(w, "invited", invited);
  FigureJson(w, "attended", attended);
  w.Key("overflow").Bool(Overflowed());
  w.Key("provisional").Uint(provisional).Key("under_review").Uint(under_review).Key("candidates").BeginArray();
  for (const auto& l : Lines(ctx)) {
    // Keyed by the list value (version 2), or by the name as typed
    // (version 1) when it is not the label of exactly one listed candidate.
    const CandidateTally& c = l.figures;
    w.BeginObject().Key("candidate").String(l.candidate).Key("label").String(l.label);
    w.Key("typed").Bool(l.typed).Key("typed_meetings").Uint(l.typed_meetings).Key("homonyms").BeginArray();
    for (const auto& v : l.homonyms) w.String(v);
    w.EndArray();
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
  for (const auto& l : Lines(ctx)) {
    const CandidateTally& c = l.figures;
    out << "    ";
    if (!l.typed) {
      out << (l.label.empty() ? l.candidate : l.label + " (" + l.candidate + ")");
      if (l.typed_meetings) out << " [" << l.typed_meetings << " of them typed in version 1]";
    } else if (l.homonyms.empty()) {
      out << "\"" << l.candidate << "\" [typed in version 1, not a name in the candidates list]";
    } else {
      out << "\"" << l.candidate << "\" [typed in version 1, the name of " << l.homonyms.size() << " listed candidates:";
      for (const auto& v : l.homonyms) out << " " << v;
      out << "]";
    }
    out << ": " << c.meetings << " meeting" << (c.meetings == 1 ? "" : "s") << ", " << c.attended
        << " attended; agree " << c.agree << " of " << c.voted_attended << " attended where a vote was counted = "
        << Percent(c.ShareAgree()) << "\n";
  }
}

}  // namespace wardsync::server::audit
