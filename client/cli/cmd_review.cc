// conflicts / resolve on the ward client. `conflicts` lists the open
// conflicts of this device's view (any role: an officer sees its ward's);
// `resolve` is for reviewer (and admin) devices: it makes a signed RESOLVE
// change-set offline, queued like any change (client::Capture::Resolve).
#include <cstdlib>

#include "client/capture/capture.h"
#include "client/cli/command.h"
#include "common/changes/changeset.h"
#include "common/forms/value_text.h"
#include "common/render/conflict_render.h"
#include "common/render/record_render.h"
#include "common/util/json_writer.h"

namespace wardsync::client {
namespace {

using wardsync::records::Conflict;
using wardsync::records::RecordState;

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
        render::ConflictReviewJson(r, c, w);
      } else {
        if (n > 0) out << "\n";
        render::ConflictText(r, c, out);
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
  const bool dismiss = args.Flag("dismiss");
  FieldTexts sets;
  for (const auto& text : args.GetAll("set")) {
    auto kv = SplitAssignment(text);
    if (!kv.ok()) return Fail(err, kv.status().message(), 2);
    sets.push_back(*kv);
  }
  const int ways = (pick ? 1 : 0) + (value ? 1 : 0) + (dismiss ? 1 : 0) + (sets.empty() ? 0 : 1);
  if (ways != 1) {
    return Fail(err,
                "give one of --pick N, --value V (competing values), --set FIELD=VALUE... (a broken rule or a "
                "rejected change) or --dismiss (a rejected change)",
                2);
  }
  const auto reason = args.Get("reason");
  if (!reason || reason->empty()) return Fail(err, "--reason TEXT is required (it is kept in the record's history)", 2);
  if (Status keys = env.CheckKeys(); !keys.ok()) return Fail(err, keys.message());
  Capture capture(env.store(), env.clock());
  Status s = (pick || value) ? capture.Resolve(id, pick, value, *reason)
                             : capture.ResolveReview(id, sets, dismiss, *reason);
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
