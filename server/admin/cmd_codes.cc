// `codes list` / `codes cancel`: the enrollment codes made by `enroll` that
// no device has used yet, and cancelling one (a code handed to the wrong
// person, or no longer needed) before it expires.
#include "common/render/record_render.h"
#include "common/util/json_writer.h"
#include "server/admin/command.h"
#include "server/enroll/enrollment.h"

namespace wardsync::server {
namespace {

void CodeJson(const StoredCode& c, uint64_t now, util::JsonWriter& w) {
  w.BeginObject().Key("id").String(c.id).Key("ward").String(c.code.ward()).Key("role").String(c.code.role());
  w.Key("state").String(c.State(now));
  w.Key("created").String(render::TimeMs(c.code.created_ms())).Key("created_ms").Uint(c.code.created_ms());
  w.Key("expires").String(render::TimeMs(c.code.expires_ms())).Key("expires_ms").Uint(c.code.expires_ms());
  if (c.code.used()) w.Key("used_by").String(c.code.used_by());
  if (c.code.cancelled_ms()) {
    w.Key("cancelled").String(render::TimeMs(c.code.cancelled_ms())).Key("cancelled_by").String(c.code.cancelled_by());
  }
  w.EndObject();
}

}  // namespace

int CmdCodesList(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (!args.positional().empty()) {
    err << "error: codes list takes no positional argument\n";
    return 2;
  }
  auto codes = ListEnrollCodes(env.ctx(), !args.Flag("all"));
  if (!codes.ok()) {
    err << "error: " << codes.status().message() << "\n";
    return 1;
  }
  const auto ward = args.Get("ward");
  const uint64_t now = env.ctx().clock.NowMs();
  util::JsonWriter w;
  const bool json = args.Flag("json");
  if (json) w.BeginArray();
  size_t n = 0;
  for (const auto& c : *codes) {
    if (ward && c.code.ward() != *ward) continue;
    ++n;
    if (json) {
      CodeJson(c, now, w);
      continue;
    }
    out << c.id << "  " << c.code.ward() << "  " << c.code.role() << "  " << c.State(now) << "  made "
        << render::TimeMs(c.code.created_ms()) << "  expires " << render::TimeMs(c.code.expires_ms());
    if (c.code.used()) out << "  used by " << c.code.used_by();
    if (c.code.cancelled_ms()) out << "  cancelled by " << c.code.cancelled_by();
    out << "\n";
  }
  if (json) {
    w.EndArray();
    out << w.str() << "\n";
  } else if (n == 0) {
    err << (args.Flag("all") ? "no enrollment codes\n" : "no unused enrollment codes\n");
  }
  return 0;
}

int CmdCodesCancel(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional().size() != 1) {
    err << "error: name exactly one code ID (as `wardsync-server codes list` shows it)\n";
    return 2;
  }
  const std::string by = env.Operator().name;
  Result<StoredCode> cancelled = Status::Internal("not run");
  env.Exclusive([&](Ingestor& ing) { cancelled = CancelEnrollCode(ing.ctx(), args.positional()[0], by); });
  if (!cancelled.ok()) {
    err << "error: " << cancelled.status().message() << "\n";
    return cancelled.status().code() == Status::Code::kInvalidArgument ? 2 : 1;
  }
  if (args.Flag("json")) {
    util::JsonWriter w;
    CodeJson(*cancelled, env.ctx().clock.NowMs(), w);
    out << w.str() << "\n";
  } else {
    out << "cancelled enrollment code " << cancelled->id << " (" << cancelled->code.ward() << ", "
        << cancelled->code.role() << "): a device that tries it is refused\n";
  }
  return 0;
}

}  // namespace wardsync::server
