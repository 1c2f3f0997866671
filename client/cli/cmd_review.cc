// conflicts / resolve on the ward client. `conflicts` lists the open
// conflicts of this device's view (any role: an officer sees its ward's);
// `resolve` is for reviewer (and admin) devices: it makes a signed RESOLVE
// change-set offline, queued like any change (client::Capture::Resolve).
#include <cstdlib>

#include "client/capture/capture.h"
#include "client/cli/command.h"
#include "common/changes/changeset.h"
#include "common/forms/value_text.h"
#include "common/render/record_render.h"
#include "common/util/json_writer.h"

namespace wardsync::client {
namespace {

using wardsync::records::Conflict;
using wardsync::records::RecordState;

std::string CandidateText(const Conflict& c, const wardsync::records::Candidate& cand) {
  if (c.field().empty()) return cand.deleted() ? "delete the record" : "keep the record";
  return cand.has_value() ? forms_util::FormatValue(cand.value()) : "(empty)";
}

void ConflictText(const RecordState& r, const Conflict& c, std::ostream& out) {
  out << "conflict " << c.id() << "\n";
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
}

void ConflictJson(const RecordState& r, const Conflict& c, util::JsonWriter& w) {
  w.BeginObject();
  w.Key("id").String(c.id()).Key("record").String(changes_util::RecordIdText(r.record_id()));
  w.Key("form").String(r.form_id()).Key("form_version").Uint(r.form_version()).Key("ward").String(r.ward());
  w.Key("field").String(c.field());
  std::string v;
  if (c.has_base_value()) forms_util::AppendValueJson(c.base_value(), &v);
  w.Key("base").Raw(c.has_base_value() ? v : "null");
  w.Key("candidates").BeginArray();
  int i = 1;
  for (const auto& cand : c.candidates()) {
    w.BeginObject().Key("number").Int(i++);
    if (c.field().empty()) {
      w.Key("action").String(cand.deleted() ? "delete" : "keep");
    } else {
      std::string cv;
      if (cand.has_value()) forms_util::AppendValueJson(cand.value(), &cv);
      w.Key("value").Raw(cand.has_value() ? cv : "null");
    }
    const auto& s = cand.stamp();
    w.Key("device").String(s.change().device_id()).Key("seq").Uint(s.change().seq());
    w.Key("officer").String(s.officer()).Key("hlc").Uint(s.hlc()).Key("time").String(render::HlcTime(s.hlc()));
    w.Key("received").String(render::TimeMs(s.received_ms()));
    w.EndObject();
  }
  w.EndArray().EndObject();
}

int Fail(std::ostream& err, const std::string& message, int code = 1) {
  err << "error: " << message << "\n";
  return code;
}

}  // namespace

int CmdConflicts(ClientEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (!args.positional().empty()) return Fail(err, "unexpected argument \"" + args.positional()[0] + "\"", 2);
  const bool json = args.Flag("json");
  const auto ward = args.Get("ward");
  util::JsonWriter w;
  if (json) w.BeginArray();
  size_t n = 0;
  Status s = env.store().ForEachLocal(args.Get("form"), [&](const RecordState& r) {
    if (ward && r.ward() != *ward) return;
    for (const auto& c : r.conflicts()) {
      if (!c.open()) continue;
      if (json) {
        ConflictJson(r, c, w);
      } else {
        if (n > 0) out << "\n";
        ConflictText(r, c, out);
      }
      ++n;
    }
  });
  if (!s.ok()) return Fail(err, s.message());
  if (json) {
    w.EndArray();
    out << w.str() << "\n";
  } else if (n == 0) {
    err << "no open conflicts on this device (as of its last sync)\n";
  }
  return 0;
}

int CmdResolve(ClientEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional().size() != 1) return Fail(err, "name exactly one CONFLICT (as `wardsync conflicts` lists it)", 2);
  const std::string& id = args.positional()[0];
  std::optional<size_t> pick;
  if (auto p = args.Get("pick")) {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(p->c_str(), &end, 10);
    if (p->empty() || *end || (*p)[0] == '-' || v == 0) {
      return Fail(err, "--pick must be a candidate number (1, 2, ...), got \"" + *p + "\"", 2);
    }
    pick = static_cast<size_t>(v);
  }
  const auto value = args.Get("value");
  if (pick.has_value() == value.has_value()) return Fail(err, "give either --pick N or --value V", 2);
  const auto reason = args.Get("reason");
  if (!reason || reason->empty()) return Fail(err, "--reason TEXT is required (it is kept in the record's history)", 2);
  auto key = env.Key();
  if (!key.ok()) return Fail(err, key.status().message());
  Capture capture(env.store(), *key, env.clock());
  Status s = capture.Resolve(id, pick, value, *reason);
  if (!s.ok()) return Fail(err, s.message());
  WarnIfClockOff(env, err);
  env.WakeAgent();
  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginObject().Key("resolved").String(id).Key("queued").Bool(true).EndObject();
    out << w.str() << "\n";
  } else {
    out << "resolved conflict " << id << " on this device; the resolution is queued and reaches the server at the "
           "next sync\n";
  }
  return 0;
}

}  // namespace wardsync::client
