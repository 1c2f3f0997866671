#include "server/audit/report_tally.h"

#include "common/changes/changeset.h"
#include "common/forms/value_text.h"
#include "common/reconcile/review.h"
#include "common/render/record_render.h"
#include "common/authority/role.h"

namespace wardsync::server::audit {

using wardsync::records::RecordState;

namespace {

// The non-negative integer value of a field, if it holds one.
std::optional<uint64_t> Count(const RecordState& r, const char* field) {
  auto it = r.fields().find(field);
  if (it == r.fields().end() || !it->second.has_value()) return std::nullopt;
  const auto& v = it->second.value();
  if (v.kind_case() != wardsync::changes::Value::kInteger || v.integer() < 0) return std::nullopt;
  return static_cast<uint64_t>(v.integer());
}

std::string Trim(const std::string& s) {
  const char* ws = " \t\r\n";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

bool UnderReview(const RecordState& r) {
  return r.placeholder() || reconcile::OpenConflictsOfKind(r, wardsync::records::RULE) > 0 ||
         reconcile::OpenConflictsOfKind(r, wardsync::records::REJECTED) > 0;
}

std::string RuleValues(const RecordState& r) {
  std::string out;
  for (const auto& c : r.conflicts()) {
    if (!c.open() || c.kind() != wardsync::records::RULE) continue;
    for (const auto& f : c.fields()) {
      auto it = r.fields().find(f);
      if (!out.empty()) out += ", ";
      out += f + "=" + (it != r.fields().end() && it->second.has_value() ? forms_util::FormatValue(it->second.value())
                                                                          : std::string("(empty)"));
    }
  }
  return out;
}

bool HasOpenConflict(const RecordState& r) {
  for (const auto& c : r.conflicts()) {
    if (c.open()) return true;
  }
  return false;
}

}  // namespace

std::optional<double> CandidateTally::ShareAgree() const {
  if (agree.overflow() || voted_attended.overflow() || voted_attended.value() == 0) return std::nullopt;
  return static_cast<double>(agree.value()) / static_cast<double>(voted_attended.value());
}

void CandidateTally::Add(const CandidateTally& o) {
  meetings += o.meetings;
  attended += o.attended;
  voted_meetings += o.voted_meetings;
  voted_attended += o.voted_attended;
  agree += o.agree;
}

void ElectionTally::AddMeeting(const RecordState& r) {
  if (r.deleted() || r.placeholder() || r.form_id() != kVoterMeetingForm) return;
  if (UnderReview(r)) {
    ++under_review;  // named in the ward's review list, never summed
    return;
  }
  ++meetings;
  if (HasOpenConflict(r)) ++provisional;
  const auto invited_n = Count(r, "invited");
  const auto attended_n = Count(r, "attended");
  const auto agree_n = Count(r, "agree");
  invited += invited_n.value_or(0);
  attended += attended_n.value_or(0);
  std::string name;
  if (auto it = r.fields().find("candidate"); it != r.fields().end() && it->second.has_value()) {
    name = Trim(it->second.value().text());
  }
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

void ElectionTally::Add(const ElectionTally& o) {
  meetings += o.meetings;
  invited += o.invited;
  attended += o.attended;
  provisional += o.provisional;
  under_review += o.under_review;
  for (const auto& [name, c] : o.candidates) candidates[name].Add(c);
}

bool ElectionTally::Overflowed() const {
  if (invited.overflow() || attended.overflow()) return true;
  for (const auto& [name, c] : candidates) {
    if (c.attended.overflow() || c.voted_attended.overflow() || c.agree.overflow()) return true;
  }
  return false;
}

void WardTally::AddRecord(const RecordState& r) {
  if (!r.placeholder()) {
    FormCount& f = forms[r.form_id()];
    if (r.deleted()) ++f.deleted;
    else ++f.live;
  }
  uint64_t open = 0;
  for (const auto& c : r.conflicts()) open += c.open() ? 1 : 0;
  open_conflicts += open;
  if (open) ++records_in_conflict;
  rule_conflicts += reconcile::OpenConflictsOfKind(r, wardsync::records::RULE);
  rejected_changes += reconcile::OpenConflictsOfKind(r, wardsync::records::REJECTED);
  if (UnderReview(r)) {
    review.push_back({changes_util::RecordIdText(r.record_id()), r.form_id(), render::ReviewMark(r), RuleValues(r)});
  }
  election.AddMeeting(r);
}

void ReportTally::AddDevice(const wardsync::store::Device& d) {
  if (authority::IsServerRole(d.role())) return;
  wards[d.ward()].devices.push_back(d);
}

WardTally ReportTally::Total() const {
  WardTally t;
  for (const auto& [ward, w] : wards) {
    for (const auto& [form, f] : w.forms) {
      t.forms[form].live += f.live;
      t.forms[form].deleted += f.deleted;
    }
    t.open_conflicts += w.open_conflicts;
    t.records_in_conflict += w.records_in_conflict;
    t.rule_conflicts += w.rule_conflicts;
    t.rejected_changes += w.rejected_changes;
    t.review.insert(t.review.end(), w.review.begin(), w.review.end());
    t.election.Add(w.election);
  }
  return t;
}

}  // namespace wardsync::server::audit
