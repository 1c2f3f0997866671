// `attachment --data DIR HASH --out FILE`: gives back the bytes of one
// attachment as the server stored them (server/attach), after checking
// again that they hash to their name. Reads files only, so it works the
// same whether or not `run` is serving DIR.
#include "common/attach/attachment_value.h"
#include "common/attach/file_digest.h"
#include "common/util/files.h"
#include "common/util/json_writer.h"
#include "server/admin/command.h"
#include "server/attach/attachment_files.h"

namespace wardsync::server {

int CmdAttachment(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional().size() != 1) {
    err << "error: name exactly one attachment by its SHA-256 (64 hex digits)\n";
    return 2;
  }
  const std::string& hash = args.positional()[0];
  if (!wardsync::attach::IsHashHex(hash)) {
    err << "error: \"" << hash << "\" is not a SHA-256 (64 lowercase hex digits, as `records` and `export` show)\n";
    return 2;
  }
  auto dest = args.Require("out");
  if (!dest.ok()) {
    err << "error: " << dest.status().message() << "\n";
    return 2;
  }
  attach::AttachmentFiles files(env.paths().dir + "/attachments");
  const std::string path = files.CompletePath(hash);
  if (!files.Has(hash)) {
    err << "error: the server does not hold the bytes of attachment " << hash
        << " (not yet sent by the device that made it, or named by no record)\n";
    return 1;
  }
  std::string bytes;
  if (Status s = util::ReadFile(path, &bytes); !s.ok()) {
    err << "error: " << s.message() << "\n";
    return 1;
  }
  // Stored bytes were checked on arrival; a disk that damaged them since
  // must not hand out something else under this name.
  auto digest = wardsync::attach::DigestFile(path);
  if (!digest.ok() || digest->sha256_hex != hash || digest->size != bytes.size()) {
    err << "error: the stored bytes of attachment " << hash << " no longer match their hash (damaged on disk)\n";
    return 1;
  }
  if (Status s = util::WriteFileAtomic(*dest, bytes, 0600); !s.ok()) {
    err << "error: " << s.message() << "\n";
    return 1;
  }
  const auto type = wardsync::attach::SniffMediaType(digest->head);
  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginObject().Key("sha256").String(hash).Key("size").Uint(bytes.size());
    w.Key("media_type").String(type ? std::string(*type) : std::string()).Key("out").String(*dest).EndObject();
    out << w.str() << "\n";
  } else {
    out << "wrote " << bytes.size() << " bytes (" << (type ? std::string(*type) : "unknown type") << ") to " << *dest
        << "\n";
  }
  return 0;
}

}  // namespace wardsync::server
