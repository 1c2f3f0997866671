// `export`: every record of one form as CSV or JSON (server/audit/
// record_export.h), streamed: the store is iterated and each row written as
// it is read. With --out the file appears complete or not at all (written
// to FILE.tmp, synced, renamed).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <streambuf>

#include "common/util/json_writer.h"
#include "server/admin/command.h"
#include "server/audit/record_export.h"
#include "server/store/server_keys.h"

namespace wardsync::server {
namespace {

// Streams the records of `form` (of one ward if given) into `out`, from a
// read view: the export is one instant of the store, however long it takes.
Result<uint64_t> WriteExport(KvReader& store, std::ostream& out, audit::ExportFormat format,
                             const wardsync::forms::FormDef& form, const std::optional<std::string>& ward,
                             bool with_deleted, bool bom) {
  if (bom) out << "\xEF\xBB\xBF";  // for spreadsheet programs that otherwise guess the encoding
  audit::RecordExporter exporter(out, format, form, with_deleted);
  exporter.Begin();
  auto it = store.Scan(keys::kRecordPrefix);
  for (; it->Valid(); it->Next()) {
    wardsync::records::RecordState r;
    if (!r.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return Status::Corruption("a stored record does not parse (run wardsync-server verify)");
    }
    if (r.form_id() != form.id() || (ward && r.ward() != *ward) || (r.deleted() && !with_deleted)) continue;
    exporter.Add(r);
    if (!out) return Status::Io("writing the export failed");
  }
  if (!it->status().ok()) return it->status();
  exporter.End();
  out.flush();
  if (!out) return Status::Io("writing the export failed");
  return exporter.rows();
}

// Forwarded output travels back to the caller in one control-socket reply
// (at most 64 MiB); past this many bytes the export stops with advice to
// use --out, which streams to disk with no limit.
constexpr uint64_t kForwardedStdoutLimit = 32ull << 20;

class LimitedBuf : public std::streambuf {
 public:
  LimitedBuf(std::streambuf* target, uint64_t limit) : target_(target), limit_(limit) {}
  bool exceeded() const { return exceeded_; }

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    char ch = static_cast<char>(c);
    return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (static_cast<uint64_t>(n) > limit_ - written_) {
      exceeded_ = true;
      return 0;
    }
    written_ += static_cast<uint64_t>(n);
    return target_->sputn(s, n);
  }
  int sync() override { return target_->pubsync(); }

 private:
  std::streambuf* target_;
  uint64_t limit_;
  uint64_t written_ = 0;
  bool exceeded_ = false;
};

Status SyncFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return Status::Io("cannot open " + path + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::Io("cannot sync " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace

int CmdExport(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (!args.positional().empty()) {
    err << "error: unexpected argument \"" << args.positional()[0] << "\"\n";
    return 2;
  }
  auto form_id = args.Require("form");
  if (!form_id.ok()) {
    err << "error: " << form_id.status().message() << "\n";
    return 2;
  }
  const std::string format_text = args.Get("format").value_or("csv");
  if (format_text != "csv" && format_text != "json") {
    err << "error: --format must be csv or json, got \"" << format_text << "\"\n";
    return 2;
  }
  const auto format = format_text == "csv" ? audit::ExportFormat::kCsv : audit::ExportFormat::kJson;
  auto forms = env.ctx().forms.Get();
  const auto* form = forms->registry.Latest(*form_id);
  if (form == nullptr) {
    std::string known;
    for (const auto* f : forms->registry.All()) {
      if (forms->registry.Latest(f->id()) == f) known += (known.empty() ? "" : ", ") + f->id();
    }
    err << "error: no published form \"" << *form_id << "\"" << (known.empty() ? "" : "; published: " + known) << "\n";
    return 1;
  }
  const auto ward = args.Get("ward");
  const bool with_deleted = args.Flag("deleted");
  const bool bom = args.Flag("bom");
  const auto path = args.Get("out");
  const bool forwarded = dynamic_cast<OfflineAdminEnv*>(&env) == nullptr;
  if (!path) {
    LimitedBuf limited(out.rdbuf(), forwarded ? kForwardedStdoutLimit : UINT64_MAX);
    std::ostream limited_out(&limited);
    auto rows = WriteExport(*env.ctx().store.NewReadView(), limited_out, format, *form, ward, with_deleted, bom);
    if (limited.exceeded()) {
      err << "\nerror: the export is larger than " << (kForwardedStdoutLimit >> 20)
          << " MiB; while the server is running, write it with --out /absolute/path (streamed to disk)\n";
      return 1;
    }
    if (!rows.ok()) {
      err << "error: " << rows.status().message() << "\n";
      return 1;
    }
    return 0;
  }
  if (path->empty()) {
    err << "error: --out needs a file name\n";
    return 2;
  }
  // Forwarded to a running server, the file is written by the server
  // process, whose working directory is not the caller's.
  if ((*path)[0] != '/' && forwarded) {
    err << "error: --out must be an absolute path while the server is running (the server process writes the "
           "file), e.g. --out \"$PWD/" << *path << "\"\n";
    return 2;
  }
  const std::string tmp = *path + ".tmp";
  Result<uint64_t> rows = Status::Internal("not run");
  {
    std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
    if (!file) {
      err << "error: cannot create " << tmp << ": " << std::strerror(errno) << "\n";
      return 1;
    }
    rows = WriteExport(*env.ctx().store.NewReadView(), file, format, *form, ward, with_deleted, bom);
  }
  Status s = rows.ok() ? SyncFile(tmp) : rows.status();
  if (s.ok() && std::rename(tmp.c_str(), path->c_str()) != 0) {
    s = Status::Io("cannot rename " + tmp + " to " + *path + ": " + std::strerror(errno));
  }
  if (!s.ok()) {
    std::remove(tmp.c_str());
    err << "error: " << s.message() << " (nothing was exported to " << *path << ")\n";
    return 1;
  }
  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginObject().Key("form").String(form->id()).Key("version").Uint(form->version());
    w.Key("format").String(format_text).Key("records").Uint(*rows).Key("file").String(*path).EndObject();
    out << w.str() << "\n";
  } else {
    out << "exported " << *rows << " record" << (*rows == 1 ? "" : "s") << " of " << form->id() << " (version "
        << form->version() << " columns) to " << *path << "\n";
  }
  return 0;
}

}  // namespace wardsync::server
