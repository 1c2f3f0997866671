// `revoke`: marks a device revoked. From then on the server refuses it at
// hello and at ingest, and a running server closes its open connections.
// Change-sets it signed before stay in the log and keep verifying: the
// revocation says "do not believe this key from now on", not "it lied".
// --drain lets it push what it holds first (server/ingest/drain.h).
#include <cstdlib>

#include "common/render/record_render.h"
#include "common/store/proto_io.h"
#include "common/util/json_writer.h"
#include "server/admin/command.h"
#include "server/store/server_keys.h"

namespace wardsync::server {

int CmdRevoke(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional().size() != 1) {
    err << "error: revoke takes exactly one DEVICE id (see `devices`)\n";
    return 2;
  }
  const std::string device_id = args.positional()[0];
  auto reason = args.Require("reason");
  if (!reason.ok() || reason->empty()) {
    err << "error: --reason TEXT is required (it is kept and shown by `devices`)\n";
    return 2;
  }
  const bool drain = args.Flag("drain");
  uint64_t drain_hours = 72;
  if (auto h = args.Get("drain-hours")) {
    char* end = nullptr;
    drain_hours = std::strtoull(h->c_str(), &end, 10);
    if (!drain) {
      err << "error: --drain-hours goes with --drain\n";
      return 2;
    }
    if (h->empty() || *end || (*h)[0] == '-' || drain_hours == 0 || drain_hours > 720) {
      err << "error: --drain-hours must be a whole number of hours from 1 to 720, got \"" << *h << "\"\n";
      return 2;
    }
  }
  Status status = Status::Internal("not run");
  bool already = false;
  store::Device device;
  // Read-modify-write on the committer thread, so no group in flight can
  // overwrite the flag with its own (older) copy of the device.
  env.Exclusive([&](Ingestor& ing) {
    ServerContext& ctx = ing.ctx();
    status = GetProto(ctx.store, keys::Device(device_id), &device);
    if (!status.ok()) return;
    if (device.revoked()) {
      already = true;
      return;
    }
    device.set_revoked(true);
    device.set_revoked_ms(ctx.clock.NowMs());
    device.set_revoked_reason(*reason);
    if (drain) {
      device.set_drain(true);
      device.set_drain_until_seq(0);  // fixed at its first hello (drain.h)
      device.set_drain_deadline_ms(device.revoked_ms() + drain_hours * 3600 * 1000);
    }
    WriteBatch batch;
    PutProto(batch, keys::Device(device_id), device);
    status = ctx.store.Write(batch, /*sync=*/true);
  });
  if (!status.ok()) {
    err << "error: " << (status.not_found() ? "unknown device " + device_id : status.message()) << "\n";
    return 1;
  }
  // Also when it was revoked already: closing connections is idempotent.
  // A draining device is closed too: its next hello fixes what it may push.
  env.OnRevoked(device_id);
  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginObject().Key("device").String(device_id).Key("ward").String(device.ward());
    w.Key("revoked_at").String(render::TimeMs(device.revoked_ms()));
    w.Key("revoked_reason").String(device.revoked_reason()).Key("already_revoked").Bool(already);
    w.Key("drain").Bool(device.drain());
    if (device.drain()) w.Key("drain_until").String(render::TimeMs(device.drain_deadline_ms()));
    else w.Key("drain_until").Null();
    w.EndObject();
    out << w.str() << "\n";
  } else if (already) {
    out << "device " << device_id << " was already revoked at " << render::TimeMs(device.revoked_ms()) << ": "
        << device.revoked_reason() << "\n";
    if (drain && !device.drain()) {
      out << "nothing changed: a drain can only start with the revocation; its unsent work can still come by "
             "`wardsync handover` and `import --accept-revoked`\n";
    }
  } else {
    out << "revoked device " << device_id << " (ward " << device.ward() << "): " << device.revoked_reason() << "\n";
    if (device.drain()) {
      out << "draining until " << render::TimeMs(device.drain_deadline_ms())
          << ": it may push the change-sets it holds at its next connection, nothing made later\n";
    }
  }
  return 0;
}

}  // namespace wardsync::server
