// rotate-key: replace the device key (client/keys/key_rotation.h), then sync
// so the server records it, unless --no-sync.
#include "client/cli/command.h"
#include "client/keys/key_rotation.h"
#include "common/crypto/digest.h"
#include "common/util/json_writer.h"

namespace wardsync::client {

int CmdRotateKey(ClientEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (!args.positional().empty()) {
    err << "error: unexpected argument \"" << args.positional()[0] << "\"\n";
    return 2;
  }
  auto rotated = RotateDeviceKey(env.store(), env.paths(), env.clock());
  if (!rotated.ok()) {
    err << "error: key not rotated: " << rotated.status().message() << "\n";
    return 1;
  }
  const bool sync = !args.Flag("no-sync");
  Status synced = Status::Ok();
  if (sync) {
    auto report = env.SyncRound(SyncOptions{});
    synced = report.ok() ? Status::Ok() : report.status();
    Status noted = env.store().NoteSyncResult(report.ok() && report->pending_after == 0,
                                              report.ok() ? "" : synced.message(), env.clock().NowMs());
    if (synced.ok() && !noted.ok()) synced = Status(noted.code(), "cannot record the sync result: " + noted.message());
  } else {
    env.WakeAgent();  // inside the agent: send it soon
  }
  auto state = env.store().State();
  auto pending = env.store().PendingCount();
  if (!state.ok() || !pending.ok()) {
    err << "error: " << (!state.ok() ? state.status() : pending.status()).message() << "\n";
    return 1;
  }
  const bool recorded = state->acked_seq() >= rotated->seq;
  const int code = sync && !recorded ? 1 : 0;

  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginObject().Key("key_epoch").Uint(rotated->epoch).Key("seq").Uint(rotated->seq);
    w.Key("key_file").String(rotated->key_path).Key("public_key").String(crypto::Hex(rotated->public_key));
    w.Key("recorded").Bool(recorded).Key("pending").Uint(*pending);
    if (!synced.ok()) w.Key("error").String(synced.message());
    else w.Key("error").Null();
    w.EndObject();
    out << w.str() << "\n";
  } else {
    out << "rotated the device key to epoch " << rotated->epoch << " (change-set " << rotated->seq
        << "); new key file " << rotated->key_path << ", public key " << crypto::Hex(rotated->public_key) << "\n";
    if (recorded) {
      out << "the server recorded the rotation; the old key was deleted\n";
    } else if (!sync) {
      out << "queued: the rotation is sent at the next sync; the old key is kept until the server acknowledges it\n";
    }
  }
  if (code != 0) {
    err << "error: the server has not recorded the rotation yet"
        << (synced.ok() ? std::string() : ": " + synced.message()) << "\n"
        << "the rotation stays queued and is sent at the next sync; the old key is kept until then\n";
  }
  return code;
}

}  // namespace wardsync::client
