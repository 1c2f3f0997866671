// `backup`: a consistent copy of the data directory in one file
// (server/backup/backup_writer.h). Forwarded to a running server like every
// admin command, so it is taken from the serving process's own store (a
// read view) while ingest goes on; --out is made absolute before that.
#include <filesystem>

#include "common/util/json_writer.h"
#include "server/admin/command.h"
#include "server/backup/backup_writer.h"

namespace wardsync::server {

int CmdBackup(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (!args.positional().empty()) {
    err << "error: unexpected argument \"" << args.positional()[0] << "\"\n";
    return 2;
  }
  auto file = args.Get("out");
  if (!file || file->empty()) {
    err << "error: --out FILE is required\n";
    return 2;
  }
  // A backup inside the directory it copies would copy itself.
  std::error_code ec;
  const auto dir = std::filesystem::weakly_canonical(env.paths().dir, ec);
  const auto target = std::filesystem::weakly_canonical(*file, ec);
  const auto rel = target.lexically_relative(dir);
  if (!rel.empty() && *rel.begin() != "..") {
    err << "error: --out " << *file << " is inside the data directory; write the backup elsewhere\n";
    return 2;
  }
  ServerContext& ctx = env.ctx();
  auto m = backup::WriteBackup(ctx.store, env.paths(), ctx.server_key, ctx.clock.NowMs(), *file);
  if (!m.ok()) {
    err << "error: backup failed, nothing written to " << *file << ": " << m.status().message() << "\n";
    return 1;
  }
  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginObject().Key("file").String(*file).Key("log_head").Uint(m->log_head()).Key("records").Uint(m->records());
    w.Key("log_entries").Uint(m->log_entries()).Key("devices").Uint(m->devices());
    w.Key("store_entries").Uint(m->store_entries()).Key("files").Uint(static_cast<uint64_t>(m->files_size()));
    w.Key("bytes").Uint(m->body_bytes()).Key("server_key_id").String(m->server_key_id());
    w.EndObject();
    out << w.str() << "\n";
  } else {
    out << "backup written to " << *file << ": log 1.." << m->log_head() << ", " << m->records() << " records, "
        << m->devices() << " devices, " << m->files_size() << " files (keys, certificates, attachments), "
        << m->body_bytes() << " bytes compressed\n";
  }
  return 0;
}

}  // namespace wardsync::server
