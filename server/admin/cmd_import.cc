// `import`: applies a hand-over bundle (`wardsync handover`) as if the
// device had pushed it: the change-sets go to the group committer as one
// group of Submissions, through exactly the ingest a sync goes through
// (IngestGroup::Add: chain, signatures, scope, content), so importing is
// as strict as syncing and idempotent (what the server holds is
// acknowledged again, never applied twice). The bundle's own signature is
// checked first; a revoked device's bundle needs --accept-revoked. Who
// imported what is kept (store.ImportRecord, written in the same durable
// write as the change-sets) and shown by `history`.
#include <filesystem>

#include "common/bundle/bundle.h"
#include "common/changes/changeset.h"
#include "common/crypto/digest.h"
#include "common/render/record_render.h"
#include "common/store/proto_io.h"
#include "common/util/files.h"
#include "common/util/json_writer.h"
#include "server/admin/command.h"
#include "server/ingest/drain.h"
#include "server/store/server_keys.h"

namespace wardsync::server {
namespace {

const wardsync::store::DeviceKey* KeyOfEpoch(const wardsync::store::Device& d, uint32_t epoch) {
  for (const auto& k : d.keys()) {
    if (k.epoch() == epoch) return &k;
  }
  return nullptr;
}

}  // namespace

int CmdImport(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional().size() != 1) {
    err << "error: import takes exactly one FILE (a bundle written by `wardsync handover`)\n";
    return 2;
  }
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(args.positional()[0], ec);
  const std::string file = ec ? args.positional()[0] : absolute.string();  // as kept in the import record
  const bool accept_revoked = args.Flag("accept-revoked");
  std::string bytes;
  if (Status s = util::ReadFile(file, &bytes); !s.ok()) {
    err << "error: cannot read " << file << ": " << s.message() << "\n";
    return 1;
  }
  auto decoded = bundle_util::Decode(bytes);
  if (!decoded.ok()) {
    err << "error: " << file << ": " << decoded.status().message() << "; nothing imported\n";
    return 1;
  }
  const auto& body = decoded->body;
  const std::string& device_id = body.device_id();
  ServerContext& ctx = env.ctx();

  wardsync::store::Device device;
  if (Status s = GetProto(ctx.store, keys::Device(device_id), &device); !s.ok()) {
    err << "error: " << file << ": "
        << (s.not_found() ? "the bundle is from device " + device_id +
                                ", which this server does not know (enrolled with another server?)"
                          : s.message())
        << "; nothing imported\n";
    return 1;
  }
  const auto* key = KeyOfEpoch(device, body.key_epoch());
  if (!key) {
    err << "error: " << file << ": the bundle is signed with key epoch " << body.key_epoch() << " of device "
        << device_id << ", which this server does not hold; nothing imported\n";
    return 1;
  }
  if (!bundle_util::VerifySignature(decoded->bundle, key->public_key())) {
    err << "error: " << file << ": the bundle's signature does not verify with device " << device_id
        << "'s key (epoch " << body.key_epoch()
        << "): the file was altered or was not written by that device; nothing imported\n";
    return 1;
  }
  if (device.revoked() && !accept_revoked && !DrainOpen(device, ctx.clock.NowMs())) {
    err << "error: device " << device_id << " was revoked at " << render::TimeMs(device.revoked_ms()) << " ("
        << device.revoked_reason()
        << "); its bundle is applied only with --accept-revoked, if you vouch for it; nothing imported\n";
    return 1;
  }
  const int n = body.change_sets_size();
  if (n == 0) {
    out << "nothing to import: the bundle of device " << device_id << " holds no change-sets\n";
    return 0;
  }
  uint64_t first_seq = 0, last_seq = 0;
  {
    wardsync::changes::ChangeSetBody b;
    (void)changes_util::ParseBody(body.change_sets(0), &b);  // Decode parsed every body already
    first_seq = b.seq();
    last_seq = first_seq + static_cast<uint64_t>(n) - 1;
  }

  // As the device would push them: in pushes of at most the server's limit,
  // all in one group (one durable write with the import record).
  std::vector<Submission> subs;
  const size_t per_push = std::max<uint32_t>(1, ctx.limits.max_changesets_per_push);
  for (int i = 0; i < n; i += static_cast<int>(per_push)) {
    Submission sub;
    sub.exempt_quota = true;  // an administrator's hand-over, not the device's volume
    sub.device_id = device_id;
    sub.accept_revoked = accept_revoked;
    for (int j = i; j < n && j < i + static_cast<int>(per_push); ++j) sub.change_sets.push_back(body.change_sets(j));
    Prepare(sub);
    subs.push_back(std::move(sub));
  }
  std::vector<const Submission*> ptrs;
  for (const auto& s : subs) ptrs.push_back(&s);

  const LocalOperator op = env.Operator();
  wardsync::store::ImportRecord record;
  record.set_device_id(device_id);
  record.set_operator_name(op.name);
  record.set_operator_uid(op.uid);
  record.set_file(file);
  record.set_bundle_hash(crypto::Sha256(bytes));
  record.set_accepted_revoked(device.revoked() && accept_revoked);
  record.set_bundle_created_ms(body.created_ms());
  std::vector<SubmissionResult> results;
  env.Exclusive([&](Ingestor& ing) {
    record.set_imported_ms(ing.ctx().clock.NowMs());
    auto annotate = [&record](const std::vector<SubmissionResult>& rs, WriteBatch& batch) {
      uint64_t accepted = 0, acked = 0;
      for (const auto& r : rs) {
        accepted += r.accepted;
        acked = std::max(acked, r.acked_seq);
      }
      if (accepted == 0) return;  // nothing new: an import that changes nothing leaves no trace
      record.set_first_seq(acked - accepted + 1);
      record.set_last_seq(acked);
      PutProto(batch, keys::Import(record.device_id(), record.first_seq()), record);
    };
    results = ing.CommitGroup(ptrs, {}, annotate);
  });

  uint64_t accepted = 0, duplicates = 0, changes = 0, acked = 0;
  const SubmissionResult* refused = nullptr;
  for (const auto& r : results) {
    accepted += r.accepted;
    duplicates += r.duplicates;
    changes += r.changes;
    acked = std::max(acked, r.acked_seq);
    if (!r.ok() && !refused) refused = &r;
  }
  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginObject().Key("file").String(file).Key("device").String(device_id);
    w.Key("change_sets").Uint(static_cast<uint64_t>(n)).Key("first_seq").Uint(first_seq).Key("last_seq").Uint(last_seq);
    w.Key("imported").Uint(accepted).Key("already_held").Uint(duplicates).Key("changes").Uint(changes);
    w.Key("acked_seq").Uint(acked).Key("operator").String(op.name).Key("accepted_revoked").Bool(record.accepted_revoked());
    if (refused) {
      w.Key("refused_seq").Uint(refused->error_seq).Key("error").String(refused->message);
    } else {
      w.Key("refused_seq").Null().Key("error").Null();
    }
    w.EndObject();
    out << w.str() << "\n";
  }
  if (refused) {
    err << "error: " << file << ": change-set seq " << refused->error_seq << " of device " << device_id
        << " was refused: " << refused->message << "\n";
    if (refused->error == wardsync::sync::REVOKED) err << "(a revoked device's bundle needs --accept-revoked)\n";
    err << accepted << " change-set(s) before it were imported; nothing of it or after it\n";
    return 1;
  }
  if (args.Flag("json")) return 0;
  if (accepted == 0) {
    out << "nothing new: the server already holds all " << n << " change-set(s) of device " << device_id
        << " in " << file << " (seq " << first_seq << ".." << last_seq << "); nothing changed\n";
    return 0;
  }
  out << "imported " << accepted << " change-set(s) (" << changes << " change(s)) of device " << device_id
      << ", seq " << (acked - accepted + 1) << ".." << acked << ", from " << file << " as " << op.name;
  if (duplicates) out << "; " << duplicates << " already held";
  if (record.accepted_revoked()) out << "; device revoked, accepted by --accept-revoked";
  out << "\n";
  return 0;
}

}  // namespace wardsync::server
