#include "server/admin/conflict_view.h"

#include "common/changes/changeset.h"
#include "common/forms/value_text.h"
#include "common/render/record_render.h"

namespace wardsync::server {

using wardsync::records::Candidate;
using wardsync::records::Conflict;
using wardsync::records::RecordState;

std::string CandidateText(const Conflict& c, const Candidate& cand) {
  if (c.field().empty()) return cand.deleted() ? "delete the record" : "keep the record";
  return cand.has_value() ? forms_util::FormatValue(cand.value()) : "(empty)";
}

void ConflictText(const RecordState& r, const Conflict& c, std::ostream& out) {
  out << "conflict " << c.id() << (c.open() ? "" : "  (resolved)") << "\n";
  out << "  record " << changes_util::RecordIdText(r.record_id()) << "  form " << r.form_id() << "@"
      << r.form_version() << "  ward " << r.ward() << "\n";
  out << "  field  " << (c.field().empty() ? "(whole record: delete against edit)" : c.field()) << "\n";
  if (!c.field().empty()) {
    out << "  base   " << (c.has_base_value() ? forms_util::FormatValue(c.base_value()) : "(unknown or empty)") << "\n";
  }
  int i = 1;
  for (const auto& cand : c.candidates()) {
    const auto& s = cand.stamp();
    out << "  [" << i++ << "] " << CandidateText(c, cand) << "\n";
    if (s.change().device_id().empty()) {
      out << "      (the field as it was before any edit)\n";
      continue;
    }
    out << "      by " << s.change().device_id() << ":" << s.change().seq();
    if (!s.officer().empty()) out << " (" << s.officer() << ")";
    out << " at " << render::HlcTime(s.hlc());
    if (s.received_ms()) out << ", received " << render::TimeMs(s.received_ms());
    out << "\n";
  }
  if (!c.open()) out << "  resolved by " << render::StampText(c.resolved_by()) << ": " << c.reason() << "\n";
}

void ConflictJsonFull(const RecordState& r, const Conflict& c, util::JsonWriter& w) {
  w.BeginObject();
  w.Key("id").String(c.id());
  w.Key("record").String(changes_util::RecordIdText(r.record_id()));
  w.Key("form").String(r.form_id());
  w.Key("form_version").Uint(r.form_version());
  w.Key("ward").String(r.ward());
  w.Key("field").String(c.field());
  w.Key("open").Bool(c.open());
  w.Key("opened_seq").Uint(c.opened_seq());
  std::string v;
  if (c.has_base_value()) forms_util::AppendValueJson(c.base_value(), &v);
  w.Key("base").Raw(c.has_base_value() ? v : "null");
  w.Key("candidates").BeginArray();
  int i = 1;
  for (const auto& cand : c.candidates()) {
    w.BeginObject();
    w.Key("number").Int(i++);
    if (c.field().empty()) {
      w.Key("action").String(cand.deleted() ? "delete" : "keep");
    } else {
      std::string cv;
      if (cand.has_value()) forms_util::AppendValueJson(cand.value(), &cv);
      w.Key("value").Raw(cand.has_value() ? cv : "null");
    }
    w.Key("device").String(cand.stamp().change().device_id());
    w.Key("seq").Uint(cand.stamp().change().seq());
    w.Key("officer").String(cand.stamp().officer());
    w.Key("hlc").Uint(cand.stamp().hlc());
    w.Key("time").String(render::HlcTime(cand.stamp().hlc()));
    w.Key("received").String(render::TimeMs(cand.stamp().received_ms()));
    w.EndObject();
  }
  w.EndArray();
  if (!c.open()) {
    w.Key("resolved_by");
    render::StampJson(c.resolved_by(), w);
    w.Key("reason").String(c.reason());
  }
  w.EndObject();
}

}  // namespace wardsync::server
