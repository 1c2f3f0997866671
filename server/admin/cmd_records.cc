#include "common/authority/role.h"
#include "common/render/record_render.h"
#include "common/store/proto_io.h"
#include "common/util/json_writer.h"
#include "server/admin/command.h"
#include "server/admin/device_view.h"
#include "server/ingest/drain.h"
#include "server/ingest/device_keys.h"
#include "server/store/server_keys.h"

namespace wardsync::server {

int CmdRecords(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  const auto ward = args.Get("ward");
  const auto form = args.Get("form");
  const bool json = args.Flag("json");
  const bool with_deleted = args.Flag("deleted");
  util::JsonWriter w;
  if (json) w.BeginArray();
  size_t n = 0;
  auto it = env.ctx().store.Scan(keys::kRecordPrefix);
  for (; it->Valid(); it->Next()) {
    wardsync::records::RecordState r;
    if (!r.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      err << "error: a stored record does not parse (run wardsync-server verify)\n";
      return 1;
    }
    if ((ward && r.ward() != *ward) || (form && r.form_id() != *form)) continue;
    if (r.deleted() && !with_deleted && !json) continue;
    ++n;
    if (json) render::RecordJson(r, w);
    else render::RecordLine(r, out);
  }
  if (!it->status().ok()) {
    err << "error: " << it->status().message() << "\n";
    return 1;
  }
  if (json) {
    w.EndArray();
    out << w.str() << "\n";
  } else if (n == 0) {
    err << "no records\n";
  }
  return 0;
}

int CmdDevices(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  const bool json = args.Flag("json");
  // The running server's limit (commands are forwarded to it); the default
  // when the store is opened here without it.
  const uint64_t allowed_ms = env.ctx().limits.max_clock_skew_ms;
  util::JsonWriter w;
  if (json) w.BeginArray();
  const uint64_t now = env.ctx().clock.NowMs();
  auto it = env.ctx().store.Scan(keys::kDevicePrefix);
  for (; it->Valid(); it->Next()) {
    wardsync::store::Device d;
    if (!d.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      err << "error: a stored device does not parse\n";
      return 1;
    }
    if (authority::IsServerRole(d.role())) continue;  // the server's own signing identity
    const auto& rep = d.last_report();
    const DeviceView view = ViewDevice(d, allowed_ms);
    const auto* latest = LatestKey(d);
    const uint64_t rotated_ms = latest && latest->epoch() > 0 ? latest->added_ms() : 0;
    if (json) {
      w.BeginObject();
      w.Key("id").String(d.id()).Key("ward").String(d.ward()).Key("role").String(d.role());
      w.Key("label").String(d.label());
      w.Key("enrolled").String(render::TimeMs(d.enrolled_ms()));
      w.Key("last_seq").Uint(d.last_seq());
      w.Key("last_contact").String(render::TimeMs(d.last_contact_ms()));
      w.Key("queue_depth").Uint(view.pending);
      w.Key("oldest_pending_ms").Uint(view.oldest_pending_ms);
      w.Key("clock_skew_ms").Int(d.clock_skew_ms());
      // Clock: skew at the last hello, flagged beyond --max-clock-skew-s;
      // the last stamp the server clamped (null: none).
      w.Key("clock_skew_s").Int(view.clock_skew_s);
      w.Key("clock_off").Bool(view.clock_off);
      w.Key("max_clock_skew_s").Uint(allowed_ms / 1000);
      if (view.clamped_at_ms) {
        w.Key("stamp_clamped").BeginObject().Key("ahead_s").Uint(view.clamped_lead_s);
        w.Key("at").String(render::TimeMs(view.clamped_at_ms)).Key("at_ms").Uint(view.clamped_at_ms).EndObject();
      } else {
        w.Key("stamp_clamped").Null();
      }
      w.Key("form_versions").BeginArray();
      for (const auto& f : rep.form_versions()) w.String(f);
      w.EndArray();
      w.Key("client_version").String(rep.client_version());
      w.Key("key_epoch").Uint(latest ? latest->epoch() : 0);
      // When the device last rotated its key (null: it still signs with its enrollment key).
      if (rotated_ms) w.Key("key_rotated").String(render::TimeMs(rotated_ms));
      else w.Key("key_rotated").Null();
      w.Key("key_rotated_ms").Uint(rotated_ms);
      w.Key("revoked").Bool(d.revoked());
      if (d.revoked()) {
        w.Key("revoked_at").String(render::TimeMs(d.revoked_ms()));
        w.Key("revoked_reason").String(d.revoked_reason());
      }
      // revoke --drain (server/ingest/drain.h): still taking what it held.
      w.Key("draining").Bool(DrainOpen(d, now));
      if (d.revoked() && (d.drain() || d.drain_until_seq() != 0)) {
        w.Key("drain_until").String(render::TimeMs(d.drain_deadline_ms()));
        w.Key("drain_until_seq").Uint(d.drain_until_seq());
      }
      w.EndObject();
    } else {
      out << d.id() << "  " << d.ward() << "  " << d.role() << "  seq=" << d.last_seq()
          << "  last_contact=" << (d.last_contact_ms() ? render::TimeMs(d.last_contact_ms()) : "never")
          << "  pending=" << view.pending << "  skew=" << (view.clock_skew_s > 0 ? "+" : "") << view.clock_skew_s << "s"
          << (view.clock_off ? " CLOCK-OFF(allowed " + std::to_string(allowed_ms / 1000) + "s)" : "")
          << "  key_epoch=" << (latest ? latest->epoch() : 0)
          << "  key_rotated=" << (rotated_ms ? render::TimeMs(rotated_ms) : "never");
      if (view.clamped_at_ms) {
        out << "  stamp_clamped=+" << view.clamped_lead_s << "s@" << render::TimeMs(view.clamped_at_ms);
      }
      if (d.revoked()) out << "  REVOKED " << render::TimeMs(d.revoked_ms()) << ": " << d.revoked_reason();
      if (DrainOpen(d, now)) {
        out << "  DRAINING until " << render::TimeMs(d.drain_deadline_ms()) << " ("
            << (d.drain_until_seq() ? "takes up to seq " + std::to_string(d.drain_until_seq())
                                    : std::string("not connected since"))
            << ")";
      } else if (d.revoked() && d.drain_until_seq() != 0) {
        out << "  (drained up to seq " << d.drain_until_seq() << ")";
      }
      out << "\n";
    }
  }
  if (json) {
    w.EndArray();
    out << w.str() << "\n";
  }
  return 0;
}

}  // namespace wardsync::server
