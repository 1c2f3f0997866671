#include "common/render/record_render.h"

#include <algorithm>
#include <ctime>
#include <map>

#include "common/changes/changeset.h"
#include "common/clock/hlc.h"
#include "common/forms/value_text.h"
#include "common/reconcile/review.h"
#include "common/reconcile/verdict.h"
#include "common/render/conflict_render.h"

namespace wardsync::render {

using wardsync::records::Conflict;
using wardsync::records::RecordState;
using wardsync::records::Stamp;

std::string TimeMs(uint64_t ms) {
  if (ms == 0) return "";
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

std::string HlcTime(uint64_t hlc) { return TimeMs(HybridLogicalClock::PhysicalMs(hlc)); }

std::string StampText(const Stamp& s) {
  std::string out = s.change().device_id() + ":" + std::to_string(s.change().seq());
  if (!s.officer().empty()) out += " by " + s.officer();
  out += " at " + HlcTime(s.hlc());
  return out;
}

size_t OpenConflicts(const RecordState& r) {
  size_t n = 0;
  for (const auto& c : r.conflicts()) n += c.open() ? 1 : 0;
  return n;
}

static std::map<std::string, const wardsync::records::FieldState*> Sorted(const RecordState& r) {
  std::map<std::string, const wardsync::records::FieldState*> m;
  for (const auto& [k, v] : r.fields()) m[k] = &v;
  return m;
}

void RecordLine(const RecordState& r, std::ostream& out) {
  out << changes_util::RecordIdText(r.record_id()) << "  " << r.ward() << "  " << r.form_id() << "@"
      << r.form_version();
  if (r.placeholder()) out << "  [never created]";
  if (r.deleted()) out << "  [deleted]";
  if (r.quarantined()) out << "  [QUARANTINED: not pulled]";
  if (size_t n = OpenConflicts(r)) out << "  [" << n << " conflict" << (n > 1 ? "s" : "") << "]";
  if (std::string review = ReviewMark(r); !review.empty()) out << "  [" << review << "]";
  if (r.review().status() != wardsync::changes::REVIEW_RECEIVED) out << "  [" << VerdictText(r) << "]";
  for (const auto& [k, v] : Sorted(r)) {
    if (v->has_value()) out << "  " << k << "=" << forms_util::FormatValue(v->value());
  }
  out << "\n";
}

std::string VerdictText(const RecordState& r) {
  std::string out = reconcile::VerdictName(r.review().status());
  if (r.review().status() == wardsync::changes::REVIEW_NEEDS_CORRECTION) {
    // The newest comment that sent it back: what the ward must fix.
    for (int i = r.comments_size() - 1; i >= 0; --i) {
      const auto& c = r.comments(i);
      if (!c.stale() && c.status() == wardsync::changes::REVIEW_NEEDS_CORRECTION) return out + ": " + c.text();
    }
  }
  return out;
}

void CommentLine(const wardsync::records::ReviewComment& c, std::ostream& out, const std::string& indent) {
  out << indent << reconcile::VerdictName(c.status()) << "  — " << StampText(c.stamp());
  if (c.stale()) out << "  (the record had changed since: verdict not applied)";
  out << "\n";
  if (!c.text().empty()) out << indent << "  " << c.text() << "\n";
}

std::string ReviewMark(const RecordState& r) {
  std::string out;
  for (const auto& c : r.conflicts()) {
    if (!c.open() || c.kind() == wardsync::records::VALUES) continue;
    if (!out.empty()) out += "; ";
    switch (c.kind()) {
      case wardsync::records::RULE: out += "RULE BROKEN: " + c.problem(); break;
      case wardsync::records::DUPLICATE: out += "DUPLICATE: " + c.problem(); break;
      default: out += "REJECTED: " + c.problem(); break;
    }
  }
  return out;
}

void ConflictDetail(const Conflict& c, std::ostream& out, const std::string& indent) {
  out << indent << "conflict " << c.id() << (c.open() ? " (open)" : " (resolved)") << ": " << ConflictSummary(c)
      << "\n";
  if (c.kind() == wardsync::records::REJECTED) {
    for (const auto& fs : c.rejected_change().sets()) {
      out << indent << "  " << fs.field() << " = "
          << (fs.has_value() ? forms_util::FormatValue(fs.value()) : std::string("(empty)")) << "\n";
    }
  }
  if (c.has_base_value()) out << indent << "  base: " << forms_util::FormatValue(c.base_value()) << "\n";
  int i = 1;
  for (const auto& cand : c.candidates()) {
    if (c.kind() == wardsync::records::REJECTED) {
      out << indent << "  sent by " << StampText(cand.stamp()) << "\n";
      continue;
    }
    out << indent << "  [" << i++ << "] " << CandidateText(c, cand) << "  — " << StampText(cand.stamp()) << "\n";
  }
  if (!c.open()) out << indent << "  resolved by " << StampText(c.resolved_by()) << ": " << c.reason() << "\n";
  for (const auto& late : c.late_resolutions()) {
    const auto& d = late.decision();
    out << indent << "  late resolution, not applied: " << CandidateText(c, d) << "  — " << StampText(d.stamp()) << ": " << late.reason() << "\n";
  }
}

void RecordDetail(const RecordState& r, std::ostream& out) {
  out << "record " << changes_util::RecordIdText(r.record_id()) << "\n";
  out << "  form:    " << r.form_id() << " version " << r.form_version() << "\n";
  out << "  ward:    " << r.ward() << "\n";
  out << "  state:   " << (r.placeholder() ? "never created (holds rejected changes only)"
                           : r.deleted()   ? "deleted"
                                           : "live")
      << "\n";
  if (std::string review = ReviewMark(r); !review.empty()) out << "  review:  " << review << "\n";
  if (r.has_created()) out << "  created: " << StampText(r.created()) << "\n";
  if (r.has_last_change()) out << "  changed: " << StampText(r.last_change()) << "\n";
  out << "  verdict: " << VerdictText(r);
  if (r.has_review()) out << "  (" << StampText(r.review().stamp()) << ")";
  out << "\n";
  for (const auto& [k, v] : Sorted(r)) {
    out << "  " << k << " = " << (v->has_value() ? forms_util::FormatValue(v->value()) : std::string("(empty)"));
    for (const auto& c : r.conflicts()) {
      if (c.open() && c.kind() == wardsync::records::VALUES && c.field() == k) out << "   <-- IN CONFLICT";
      if (c.open() && c.kind() == wardsync::records::RULE &&
          std::find(c.fields().begin(), c.fields().end(), k) != c.fields().end()) {
        out << "   <-- BREAKS RULE " << c.problem();
      }
    }
    out << "\n";
  }
  for (const auto& c : r.conflicts()) {
    if (c.open()) ConflictDetail(c, out, "  ");
  }
  for (const auto& c : r.conflicts()) {
    if (!c.open()) ConflictDetail(c, out, "  ");
  }
  if (r.comments_size() > 0) out << "  review comments:\n";
  for (const auto& c : r.comments()) CommentLine(c, out, "    ");
}

void StampJson(const Stamp& s, util::JsonWriter& w) {
  w.BeginObject();
  w.Key("device").String(s.change().device_id());
  w.Key("seq").Uint(s.change().seq());
  w.Key("officer").String(s.officer());
  w.Key("hlc").Uint(s.hlc());
  w.Key("time").String(HlcTime(s.hlc()));
  if (s.received_ms()) w.Key("received").String(TimeMs(s.received_ms()));
  w.EndObject();
}

void ConflictJson(const Conflict& c, util::JsonWriter& w) {
  w.BeginObject();
  w.Key("id").String(c.id());
  w.Key("kind").String(ConflictKindName(c.kind()));
  w.Key("field").String(c.field());
  w.Key("open").Bool(c.open());
  w.Key("problem").String(c.problem());
  w.Key("fields").BeginArray();
  for (const auto& f : c.fields()) w.String(f);
  w.EndArray();
  std::string v;
  if (c.has_base_value()) {
    forms_util::AppendValueJson(c.base_value(), &v);
    w.Key("base").Raw(v);
  } else {
    w.Key("base").Null();
  }
  w.Key("candidates").BeginArray();
  for (const auto& cand : c.candidates()) {
    w.BeginObject();
    if (c.kind() == wardsync::records::VALUES && c.field().empty()) {
      w.Key("deleted").Bool(cand.deleted());
    } else {
      std::string cv;
      if (cand.has_value()) forms_util::AppendValueJson(cand.value(), &cv);
      w.Key("value").Raw(cand.has_value() ? cv : "null");
    }
    w.Key("by");
    StampJson(cand.stamp(), w);
    w.EndObject();
  }
  w.EndArray();
  if (c.kind() == wardsync::records::DUPLICATE) {  // the other record and the key values both have
    w.Key("duplicate_of").String(changes_util::RecordIdText(c.duplicate_of()));
    w.Key("unique_key").String(c.unique_key());
  }
  if (!c.open()) {
    w.Key("resolved_by");
    StampJson(c.resolved_by(), w);
    w.Key("reason").String(c.reason());
  }
  if (c.late_resolutions_size() > 0) {
    w.Key("late_resolutions").BeginArray();
    for (const auto& late : c.late_resolutions()) {
      const auto& d = late.decision();
      w.BeginObject();
      if (c.kind() == wardsync::records::VALUES && c.field().empty()) {
        w.Key("deleted").Bool(d.deleted());
      } else {
        std::string dv;
        if (d.has_value()) forms_util::AppendValueJson(d.value(), &dv);
        w.Key("value").Raw(d.has_value() ? dv : "null");
      }
      w.Key("by");
      StampJson(d.stamp(), w);
      w.Key("reason").String(late.reason());
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

void RecordJson(const RecordState& r, util::JsonWriter& w) {
  w.BeginObject();
  w.Key("id").String(changes_util::RecordIdText(r.record_id()));
  w.Key("form").String(r.form_id());
  w.Key("version").Uint(r.form_version());
  w.Key("ward").String(r.ward());
  w.Key("deleted").Bool(r.deleted());
  w.Key("placeholder").Bool(r.placeholder());
  w.Key("quarantined").Bool(r.quarantined());
  w.Key("fields").BeginObject();
  for (const auto& [k, v] : Sorted(r)) {
    std::string j;
    if (v->has_value()) forms_util::AppendValueJson(v->value(), &j);
    w.Key(k).Raw(v->has_value() ? j : "null");
  }
  w.EndObject();
  if (r.has_created()) {
    w.Key("created");
    StampJson(r.created(), w);
  }
  if (r.has_last_change()) {
    w.Key("last_change");
    StampJson(r.last_change(), w);
  }
  w.Key("open_conflicts").Uint(OpenConflicts(r));
  w.Key("open_rule_conflicts").Uint(reconcile::OpenConflictsOfKind(r, wardsync::records::RULE));
  w.Key("open_rejected").Uint(reconcile::OpenConflictsOfKind(r, wardsync::records::REJECTED));
  w.Key("conflicts").BeginArray();
  for (const auto& c : r.conflicts()) ConflictJson(c, w);
  w.EndArray();
  ReviewJson(r, w);
  w.EndObject();
}

void ReviewJson(const RecordState& r, util::JsonWriter& w) {
  w.Key("review").BeginObject().Key("status").String(reconcile::VerdictName(r.review().status()));
  w.Key("by");
  if (r.has_review()) StampJson(r.review().stamp(), w);
  else w.Null();
  w.EndObject();
  w.Key("comments").BeginArray();
  for (const auto& c : r.comments()) {
    w.BeginObject().Key("status").String(reconcile::VerdictName(c.status())).Key("text").String(c.text());
    w.Key("stale").Bool(c.stale()).Key("by");
    StampJson(c.stamp(), w);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace wardsync::render
