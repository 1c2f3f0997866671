// `quarantine`: holds a record back from every pull (a record too large to
// send, or one a hostile device filled), and releases it again. While held:
// pull leaves it out (the quar/ index, read per page), every change to it
// is accepted into its device's chain but rejected without touching it
// (the log entry says why; ingest_group.cc), `records` and `history` show
// it marked. Nothing is deleted: release makes it pullable as it is.
//
// Read-modify-write on the committer thread (Exclusive), so no group in
// flight writes an older copy of the record over the flag.
#include "common/changes/changeset.h"
#include "common/crypto/digest.h"
#include "common/render/record_render.h"
#include "common/store/proto_io.h"
#include "common/util/json_writer.h"
#include "proto/records.pb.h"
#include "proto/store.pb.h"
#include "server/admin/command.h"
#include "server/store/server_keys.h"

namespace wardsync::server {
namespace {

int List(AdminEnv& env, bool json, std::ostream& out, std::ostream& err) {
  KvStore& store = env.ctx().store;
  util::JsonWriter w;
  w.BeginArray();
  size_t n = 0;
  auto it = store.Scan(keys::kQuarantinePrefix);
  for (; it->Valid(); it->Next()) {
    const std::string rid(it->key().substr(keys::kQuarantinePrefix.size()));
    store::Quarantine q;
    if (!q.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      err << "error: quarantine entry of record " << crypto::Hex(rid) << " does not parse\n";
      return 1;
    }
    ++n;
    if (json) {
      w.BeginObject().Key("record").String(crypto::Hex(rid)).Key("reason").String(q.reason());
      w.Key("since").String(render::TimeMs(q.quarantined_ms())).Key("operator").String(q.operator_name());
      w.Key("bytes").Uint(q.record_bytes()).EndObject();
    } else {
      out << crypto::Hex(rid) << "  since " << render::TimeMs(q.quarantined_ms()) << " by " << q.operator_name()
          << "  " << q.record_bytes() << " bytes  " << q.reason() << "\n";
    }
  }
  if (!it->status().ok()) {
    err << "error: " << it->status().message() << "\n";
    return 1;
  }
  w.EndArray();
  if (json) out << w.str() << "\n";
  else if (n == 0) out << "no record is quarantined\n";
  return 0;
}

}  // namespace

int CmdQuarantine(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  const bool json = args.Flag("json");
  if (args.Flag("list")) {
    if (!args.positional().empty() || args.Flag("release")) {
      err << "error: --list takes no RECORD and no --release\n";
      return 2;
    }
    return List(env, json, out, err);
  }
  if (args.positional().size() != 1) {
    err << "error: quarantine takes exactly one RECORD id (32 hex digits), or --list\n";
    return 2;
  }
  std::string rid;
  if (!changes_util::ParseRecordId(args.positional()[0], &rid)) {
    err << "error: \"" << args.positional()[0] << "\" is not a record id (32 hex digits)\n";
    return 2;
  }
  auto reason = args.Require("reason");
  if (!reason.ok() || reason->empty()) {
    err << "error: --reason TEXT is required (it is kept and shown by `quarantine --list`)\n";
    return 2;
  }
  const bool release = args.Flag("release");
  const LocalOperator op = env.Operator();
  Status status = Status::Internal("not run");
  bool unchanged = false;
  uint64_t bytes = 0;
  env.Exclusive([&](Ingestor& ing) {
    ServerContext& ctx = ing.ctx();
    std::string raw;
    status = ctx.store.Get(keys::Record(rid), &raw);
    if (!status.ok()) return;
    records::RecordState record;
    if (!record.ParseFromString(raw)) {
      status = Status::Corruption("the stored record does not parse");
      return;
    }
    bytes = raw.size();
    if (record.quarantined() != release) {
      unchanged = true;
      status = Status::Ok();
      return;
    }
    record.set_quarantined(!release);
    WriteBatch batch;
    PutProto(batch, keys::Record(rid), record);
    if (release) {
      batch.Delete(keys::Quarantine(rid));
    } else {
      store::Quarantine q;
      q.set_reason(*reason);
      q.set_quarantined_ms(ctx.clock.NowMs());
      q.set_operator_name(op.name);
      q.set_operator_uid(op.uid);
      q.set_record_bytes(raw.size());
      PutProto(batch, keys::Quarantine(rid), q);
    }
    status = ctx.store.Write(batch, /*sync=*/true);
  });
  if (!status.ok()) {
    err << "error: " << (status.not_found() ? "unknown record " + args.positional()[0] : status.message()) << "\n";
    return 1;
  }
  const std::string hex = crypto::Hex(rid);
  if (json) {
    util::JsonWriter w;
    w.BeginObject().Key("record").String(hex).Key("quarantined").Bool(!release).Key("unchanged").Bool(unchanged);
    w.Key("bytes").Uint(bytes).Key("reason").String(*reason).EndObject();
    out << w.str() << "\n";
  } else if (unchanged) {
    out << "record " << hex << " was already " << (release ? "not quarantined" : "quarantined") << "\n";
  } else if (release) {
    out << "released record " << hex << " (" << bytes << " bytes): devices get it at their next pull of a change "
        << "to it; changes sent while it was held stay rejected\n";
  } else {
    out << "quarantined record " << hex << " (" << bytes << " bytes): no device is sent it and every change to it "
        << "is rejected until `quarantine " << hex << " --release --reason TEXT`\n";
  }
  return 0;
}

}  // namespace wardsync::server
