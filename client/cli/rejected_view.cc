#include "client/cli/rejected_view.h"

#include "common/changes/changeset.h"
#include "common/forms/value_text.h"
#include "common/render/record_render.h"

namespace wardsync::client {

using records::Conflict;
using records::RecordState;

namespace {

bool IsRejected(const Conflict& c) { return c.kind() == records::REJECTED; }

const records::Stamp& MadeBy(const Conflict& c) {
  static const records::Stamp kNone;
  return c.candidates_size() > 0 ? c.candidates(0).stamp() : kNone;
}

const char* OpName(changes::Change::Op op) {
  switch (op) {
    case changes::Change::CREATE: return "create";
    case changes::Change::UPDATE: return "edit";
    case changes::Change::DELETE: return "delete";
    case changes::Change::RESOLVE: return "resolution";
    case changes::Change::REVIEW: return "review";
    default: return "change";
  }
}

}  // namespace

std::vector<const Conflict*> OpenRejected(const RecordState& r, const std::string& device_id) {
  std::vector<const Conflict*> out;
  for (const auto& c : r.conflicts()) {
    if (!c.open() || !IsRejected(c)) continue;
    if (!device_id.empty() && MadeBy(c).change().device_id() != device_id) continue;
    out.push_back(&c);
  }
  return out;
}

RecordState WithoutRejected(const RecordState& r) {
  RecordState copy = r;
  copy.clear_conflicts();
  for (const auto& c : r.conflicts()) {
    if (!IsRejected(c)) *copy.add_conflicts() = c;
  }
  return copy;
}

void RejectedDetail(const RecordState& r, const Conflict& c, std::ostream& out, const std::string& indent) {
  const auto& stamp = MadeBy(c);
  out << indent << "REJECTED " << OpName(c.rejected_change().op()) << " " << stamp.change().device_id() << ":"
      << stamp.change().seq();
  if (!stamp.officer().empty()) out << " by " << stamp.officer();
  if (stamp.hlc()) out << " at " << render::HlcTime(stamp.hlc());
  out << " (not applied): " << (c.problem().empty() ? "no reason given" : c.problem()) << "\n";
  if (c.rejected_change().sets_size() > 0) {
    out << indent << "  it tried to set:";
    for (const auto& set : c.rejected_change().sets()) {
      out << " " << set.field() << "=" << (set.has_value() ? forms_util::FormatValue(set.value()) : "");
    }
    out << "\n";
  }
  const std::string id = changes_util::RecordIdText(r.record_id());
  out << indent << "  fix it with a new change: "
      << (r.placeholder() ? "wardsync new --form " + r.form_id() + " --set NAME=VALUE..."
                          : "wardsync edit " + id + " --set NAME=VALUE...")
      << "\n";
}

void RejectedJson(const RecordState& r, const Conflict& c, util::JsonWriter& w) {
  const auto& stamp = MadeBy(c);
  w.BeginObject();
  w.Key("record").String(changes_util::RecordIdText(r.record_id()));
  w.Key("conflict").String(c.id());
  w.Key("form").String(r.form_id());
  w.Key("op").String(OpName(c.rejected_change().op()));
  w.Key("device").String(stamp.change().device_id()).Key("seq").Uint(stamp.change().seq());
  w.Key("officer").String(stamp.officer());
  w.Key("time").String(render::HlcTime(stamp.hlc()));
  w.Key("reason").String(c.problem());
  w.Key("fields").BeginArray();
  for (const auto& f : c.fields()) w.String(f);
  w.EndArray();
  w.Key("sets").BeginObject();
  for (const auto& set : c.rejected_change().sets()) {
    w.Key(set.field());
    if (set.has_value()) w.String(forms_util::FormatValue(set.value()));
    else w.Null();
  }
  w.EndObject();
  w.Key("placeholder").Bool(r.placeholder());
  w.EndObject();
}

}  // namespace wardsync::client
