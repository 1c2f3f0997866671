#include "common/authority/role.h"
#include "common/render/record_render.h"
#include "common/store/proto_io.h"
#include "common/util/json_writer.h"
#include "server/admin/command.h"
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
  util::JsonWriter w;
  if (json) w.BeginArray();
  auto it = env.ctx().store.Scan(keys::kDevicePrefix);
  for (; it->Valid(); it->Next()) {
    wardsync::store::Device d;
    if (!d.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      err << "error: a stored device does not parse\n";
      return 1;
    }
    if (authority::IsServerRole(d.role())) continue;  // the server's own signing identity
    const auto& rep = d.last_report();
    const auto* latest = LatestKey(d);
    const uint64_t rotated_ms = latest && latest->epoch() > 0 ? latest->added_ms() : 0;
    if (json) {
      w.BeginObject();
      w.Key("id").String(d.id()).Key("ward").String(d.ward()).Key("role").String(d.role());
      w.Key("label").String(d.label());
      w.Key("enrolled").String(render::TimeMs(d.enrolled_ms()));
      w.Key("last_seq").Uint(d.last_seq());
      w.Key("last_contact").String(render::TimeMs(d.last_contact_ms()));
      w.Key("queue_depth").Uint(rep.queue_depth());
      w.Key("oldest_pending_ms").Uint(rep.oldest_pending_ms());
      w.Key("clock_skew_ms").Int(d.clock_skew_ms());
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
      w.EndObject();
    } else {
      out << d.id() << "  " << d.ward() << "  " << d.role() << "  seq=" << d.last_seq()
          << "  last_contact=" << (d.last_contact_ms() ? render::TimeMs(d.last_contact_ms()) : "never")
          << "  pending=" << rep.queue_depth() << "  skew_ms=" << d.clock_skew_ms()
          << "  key_epoch=" << (latest ? latest->epoch() : 0)
          << "  key_rotated=" << (rotated_ms ? render::TimeMs(rotated_ms) : "never");
      if (d.revoked()) out << "  REVOKED " << render::TimeMs(d.revoked_ms()) << ": " << d.revoked_reason();
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
