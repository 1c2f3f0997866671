#include "common/render/conflict_render.h"

#include "common/changes/changeset.h"
#include "common/forms/value_text.h"
#include "common/render/record_render.h"

namespace wardsync::render {

using wardsync::records::Candidate;
using wardsync::records::Conflict;
using wardsync::records::RecordState;
using wardsync::records::Stamp;

namespace {

std::string ValueJson(const wardsync::changes::Value* v) {
  if (v == nullptr) return "null";
  std::string out;
  forms_util::AppendValueJson(*v, &out);
  return out;
}

std::string ValueText(const wardsync::changes::Value* v) { return v ? forms_util::FormatValue(*v) : "(empty)"; }

const wardsync::records::FieldState* FieldOf(const RecordState& r, const std::string& name) {
  auto it = r.fields().find(name);
  return it == r.fields().end() ? nullptr : &it->second;
}

void ByLine(const Stamp& s, std::ostream& out) {
  out << "by " << s.change().device_id() << ":" << s.change().seq();
  if (!s.officer().empty()) out << " (" << s.officer() << ")";
  out << " at " << HlcTime(s.hlc());
  if (s.received_ms()) out << ", received " << TimeMs(s.received_ms());
}

void StampFields(const Stamp& s, util::JsonWriter& w) {
  w.Key("device").String(s.change().device_id()).Key("seq").Uint(s.change().seq());
  w.Key("officer").String(s.officer()).Key("hlc").Uint(s.hlc()).Key("time").String(HlcTime(s.hlc()));
  w.Key("received").String(TimeMs(s.received_ms()));
}

void ValuesText(const RecordState& r, const Conflict& c, std::ostream& out) {
  out << "  field  " << (c.field().empty() ? "(whole record: delete against edit)" : c.field()) << "\n";
  if (!c.field().empty()) {
    out << "  base   " << (c.has_base_value() ? forms_util::FormatValue(c.base_value()) : "(unknown or empty)") << "\n";
  }
  int i = 1;
  for (const auto& cand : c.candidates()) {
    out << "  [" << i++ << "] " << CandidateText(c, cand) << "\n";
    if (cand.stamp().change().device_id().empty()) {
      out << "      (the field as it was before any edit)\n";
      continue;
    }
    out << "      ";
    ByLine(cand.stamp(), out);
    out << "\n";
  }
}

void RuleText(const RecordState& r, const Conflict& c, std::ostream& out) {
  out << "  rule   " << c.problem() << "\n";
  out << "  fields";
  for (const auto& f : c.fields()) {
    const auto* fs = FieldOf(r, f);
    out << "\n    " << f << " = " << ValueText(fs && fs->has_value() ? &fs->value() : nullptr);
    if (fs && fs->has_stamp()) {
      out << "   ";
      ByLine(fs->stamp(), out);
    }
  }
  out << "\n";
  if (c.open()) {
    out << "  (edits that did not see each other break this rule together; resolve by setting one or more of "
           "these fields so the rule holds)\n";
  }
}

void RejectedText(const RecordState& r, const Conflict& c, std::ostream& out) {
  const auto& ch = c.rejected_change();
  out << "  problem " << c.problem() << "\n";
  out << "  change  " << ChangeOpName(ch.op());
  if (c.candidates_size() > 0) {
    out << " ";
    ByLine(c.candidates(0).stamp(), out);
  }
  out << "\n";
  for (const auto& fs : ch.sets()) {
    out << "    " << fs.field() << " = " << ValueText(fs.has_value() ? &fs.value() : nullptr) << "\n";
  }
  if (c.open()) {
    out << (r.placeholder() ? "  (the record was never created: a new edit that validates creates it; a reviewer can "
                              "dismiss this)\n"
                            : "  (the next accepted edit of the record closes this; a reviewer can dismiss it or set "
                              "values)\n");
  }
}

void DuplicateText(const Conflict& c, std::ostream& out) {
  out << "  same   " << c.unique_key() << "\n";
  out << "  as     record " << changes_util::RecordIdText(c.duplicate_of()) << "\n";
  if (c.open()) {
    out << "  (a second report with the same unique key, not summed; resolve with --dismiss to keep both as "
           "distinct reports, or --delete to delete this record)\n";
  }
}

}  // namespace

const char* ConflictKindName(wardsync::records::ConflictKind kind) {
  switch (kind) {
    case wardsync::records::RULE: return "rule";
    case wardsync::records::REJECTED: return "rejected";
    case wardsync::records::DUPLICATE: return "duplicate";
    default: return "values";
  }
}

const char* ChangeOpName(wardsync::changes::Change::Op op) {
  switch (op) {
    case wardsync::changes::Change::CREATE: return "CREATE";
    case wardsync::changes::Change::UPDATE: return "UPDATE";
    case wardsync::changes::Change::DELETE: return "DELETE";
    case wardsync::changes::Change::RESOLVE: return "RESOLVE";
    case wardsync::changes::Change::REVIEW: return "REVIEW";
    default: return "?";
  }
}

std::string CandidateText(const Conflict& c, const Candidate& cand) {
  if (c.kind() == wardsync::records::VALUES && c.field().empty()) {
    return cand.deleted() ? "delete the record" : "keep the record";
  }
  return ValueText(cand.has_value() ? &cand.value() : nullptr);
}

std::string ConflictSummary(const Conflict& c) {
  switch (c.kind()) {
    case wardsync::records::RULE: return "rule " + c.problem();
    case wardsync::records::REJECTED:
      return std::string("rejected ") + ChangeOpName(c.rejected_change().op()) + ": " + c.problem();
    case wardsync::records::DUPLICATE:
      return "duplicate of " + changes_util::RecordIdText(c.duplicate_of()) + ": " + c.unique_key();
    default: return c.field().empty() ? "delete against edit" : "field " + c.field();
  }
}

void ConflictText(const RecordState& r, const Conflict& c, std::ostream& out) {
  out << "conflict " << c.id() << (c.open() ? "" : "  (resolved)") << "\n";
  out << "  kind   " << ConflictKindName(c.kind()) << "\n";
  out << "  record " << changes_util::RecordIdText(r.record_id()) << "  form " << r.form_id() << "@"
      << r.form_version() << "  ward " << r.ward() << (r.placeholder() ? "  (never created)" : "") << "\n";
  switch (c.kind()) {
    case wardsync::records::RULE: RuleText(r, c, out); break;
    case wardsync::records::REJECTED: RejectedText(r, c, out); break;
    case wardsync::records::DUPLICATE: DuplicateText(c, out); break;
    default: ValuesText(r, c, out); break;
  }
  if (!c.open()) out << "  resolved by " << StampText(c.resolved_by()) << ": " << c.reason() << "\n";
}

void ConflictReviewJson(const RecordState& r, const Conflict& c, util::JsonWriter& w) {
  w.BeginObject();
  w.Key("id").String(c.id());
  w.Key("kind").String(ConflictKindName(c.kind()));
  w.Key("record").String(changes_util::RecordIdText(r.record_id()));
  w.Key("form").String(r.form_id());
  w.Key("form_version").Uint(r.form_version());
  w.Key("ward").String(r.ward());
  w.Key("placeholder").Bool(r.placeholder());
  w.Key("field").String(c.field());
  w.Key("open").Bool(c.open());
  w.Key("opened_seq").Uint(c.opened_seq());
  w.Key("base").Raw(c.has_base_value() ? ValueJson(&c.base_value()) : "null");
  w.Key("candidates").BeginArray();
  int i = 1;
  for (const auto& cand : c.candidates()) {
    w.BeginObject().Key("number").Int(i++);
    if (c.kind() == wardsync::records::VALUES && c.field().empty()) {
      w.Key("action").String(cand.deleted() ? "delete" : "keep");
    } else {
      w.Key("value").Raw(cand.has_value() ? ValueJson(&cand.value()) : "null");
    }
    StampFields(cand.stamp(), w);
    w.EndObject();
  }
  w.EndArray();
  w.Key("problem").String(c.problem());
  w.Key("fields").BeginArray();
  for (const auto& f : c.fields()) w.String(f);
  w.EndArray();
  if (c.kind() == wardsync::records::RULE) {
    w.Key("values").BeginObject();
    for (const auto& f : c.fields()) {
      const auto* fs = FieldOf(r, f);
      w.Key(f).Raw(fs && fs->has_value() ? ValueJson(&fs->value()) : "null");
    }
    w.EndObject();
  }
  if (c.kind() == wardsync::records::REJECTED) {
    const auto& ch = c.rejected_change();
    w.Key("rejected_change").BeginObject();
    w.Key("op").String(ChangeOpName(ch.op()));
    if (c.candidates_size() > 0) StampFields(c.candidates(0).stamp(), w);
    w.Key("sets").BeginArray();
    for (const auto& fs : ch.sets()) {
      w.BeginObject().Key("field").String(fs.field());
      w.Key("value").Raw(fs.has_value() ? ValueJson(&fs.value()) : "null");
      w.EndObject();
    }
    w.EndArray().EndObject();
  }
  if (c.kind() == wardsync::records::DUPLICATE) {
    w.Key("duplicate_of").String(changes_util::RecordIdText(c.duplicate_of()));
    w.Key("unique_key").String(c.unique_key());
  }
  if (!c.open()) {
    w.Key("resolved_by");
    StampJson(c.resolved_by(), w);
    w.Key("reason").String(c.reason());
  }
  w.EndObject();
}

}  // namespace wardsync::render
