#include "client/ui/attachment_intake.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

#include "client/attach/attachment_copy.h"
#include "common/attach/attachment_value.h"
#include "common/crypto/digest.h"
#include "common/forms/field_path.h"
#include "common/forms/form_registry.h"
#include "common/util/files.h"
#include "common/util/json_writer.h"

namespace wardsync::client::ui {
namespace {

namespace av = wardsync::attach;
using Params = std::vector<std::pair<std::string, std::string>>;

// {"error": message, "code": code, "params": {...}}: the code and its
// parameters let the page say it in Vietnamese; the message is for logs and scripts.
ApiReply Refuse(int status, const std::string& code, const std::string& message, const Params& params = {}) {
  util::JsonWriter w;
  w.BeginObject().Key("error").String(message).Key("code").String(code).Key("params").BeginObject();
  for (const auto& [k, v] : params) w.Key(k).String(v);
  w.EndObject().EndObject();
  return {status, w.str()};
}

std::string Joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The first bytes against the claimed type, with SniffMediaType (what
// CopyIn decides by): checked as soon as they arrive, so a wrong file is
// known before the rest of it is written anywhere.
std::optional<ApiReply> CheckHead(const std::string& head, const std::string& claimed) {
  const auto found = av::SniffMediaType(head);
  if (!found) {
    return Refuse(422, "not_media", "the file is not a JPEG, PNG or PDF (checked by its first bytes)");
  }
  if (*found != claimed) {
    return Refuse(422, "magic", "the file's first bytes show " + std::string(*found) + ", not " + claimed + " as its type says",
                  {{"found", std::string(*found)}, {"claimed", claimed}});
  }
  return std::nullopt;
}

std::string DefaultName(const std::string& media_type) {
  return std::string("tep-dinh-kem") + (media_type == av::kPng ? ".png" : media_type == av::kPdf ? ".pdf" : ".jpg");
}

// The spool file: written as the body arrives, removed whatever happens.
class Spool {
 public:
  explicit Spool(std::string path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  }
  ~Spool() {
    Close();
    std::remove(path_.c_str());
  }
  bool open() const { return fd_ >= 0; }
  bool Write(const char* p, size_t n) {
    while (n > 0) {
      ssize_t w = ::write(fd_, p, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return false;
      p += w;
      n -= static_cast<size_t>(w);
    }
    return true;
  }
  bool Close() {
    if (fd_ < 0) return true;
    const bool ok = ::close(fd_) == 0;
    fd_ = -1;
    return ok;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace

std::string AttachmentIntake::SpoolPath() {
  return env_.paths().ui_uploads() + "/" + std::to_string(++seq_) + "-" + crypto::Hex(crypto::RandomBytes(8)) + ".part";
}

void AttachmentIntake::Sweep() {
  std::error_code ec;
  std::filesystem::remove_all(env_.paths().ui_uploads(), ec);
}

ApiReply AttachmentIntake::Receive(const UploadRequest& r, const BodyReader& read) {
  auto forms = env_.store().Forms();
  if (!forms.ok()) return JsonError(500, forms.status().message());
  const auto* form = forms->Latest(r.form);
  if (form == nullptr) return Refuse(404, "unknown_form", "unknown form \"" + r.form + "\"", {{"form", r.form}});
  const auto* field = forms_util::FormRegistry::FindField(*form, r.field);
  if (field == nullptr) {
    return Refuse(404, "unknown_field", form->id() + ": unknown field \"" + r.field + "\"", {{"field", r.field}});
  }
  const std::string what = form->id() + ": field \"" + field->name() + "\": ";
  if (field->type() != wardsync::forms::FieldDef::ATTACHMENT) {
    return Refuse(400, "not_attachment", what + "is not an attachment field", {{"field", r.field}});
  }
  const auto allowed = av::AllowedMediaTypes(*field);
  if (std::find(allowed.begin(), allowed.end(), r.content_type) == allowed.end()) {
    return Refuse(415, "media_type", what + "type \"" + r.content_type + "\" is not allowed here (allowed: " + Joined(allowed) + ")",
                  {{"type", r.content_type}, {"allowed", Joined(allowed)}});
  }
  if (!r.length) return Refuse(411, "length_required", "the upload must say its length (Content-Length)");
  if (*r.length == 0) return Refuse(400, "empty", what + "the file is empty");
  const uint64_t max = av::MaxBytes(*field);
  if (*r.length > max) {  // said before a byte is read: nothing of it is read
    return Refuse(413, "too_large", what + "the file is " + std::to_string(*r.length) + " bytes, more than the limit of " +
                  std::to_string(max) + " bytes", {{"size", std::to_string(*r.length)}, {"max_bytes", std::to_string(max)}});
  }

  if (Status s = util::MakeDirs(env_.paths().ui_uploads()); !s.ok()) return JsonError(500, s.message());
  Spool spool(SpoolPath());
  if (!spool.open()) return JsonError(500, "cannot create " + spool.path() + ": " + std::strerror(errno));
  std::string head;
  uint64_t got = 0;
  std::optional<ApiReply> refused;
  const bool whole = read([&](const char* p, size_t n) {
    got += n;
    if (got > max) {  // more than it said; stop here
      refused = Refuse(413, "too_large", what + "the file is more than the limit of " + std::to_string(max) + " bytes",
                       {{"size", std::to_string(got)}, {"max_bytes", std::to_string(max)}});
      return false;
    }
    // Refused by its first bytes: the rest (at most max) is read and
    // dropped, so the browser, still sending, gets the answer and not a reset.
    if (refused) return true;
    if (head.size() < av::kSniffBytes) {
      head.append(p, std::min(n, av::kSniffBytes - head.size()));
      if (head.size() == av::kSniffBytes) refused = CheckHead(head, r.content_type);
      if (refused) return true;
    }
    if (!spool.Write(p, n)) {
      refused = JsonError(500, "cannot write " + spool.path() + ": " + std::strerror(errno));
      return false;
    }
    return true;
  });
  if (refused) return *refused;
  if (!whole || got != *r.length) return Refuse(400, "cut", "the upload ended before its last byte; nothing was stored");
  if (head.size() < av::kSniffBytes) {  // a file shorter than the longest signature
    if (auto bad = CheckHead(head, r.content_type)) return *bad;
  }
  if (!spool.Close()) return JsonError(500, "cannot write " + spool.path() + ": " + std::strerror(errno));

  attach::CopySource source{spool.path(), r.name.empty() ? DefaultName(r.content_type) : r.name, r.content_type};
  std::lock_guard lock(copy_mu_);
  auto copied = attach::CopyIn(env_.paths().attachments(), source, *form, *field);
  if (!copied.ok()) return Refuse(422, "invalid", copied.status().message());
  return {201, av::FormatText(copied->value)};
}

std::vector<FieldProblem> UnheldAttachments(const wardsync::forms::FormDef& form, const forms_util::NamedTexts& texts,
                                            const std::string& attachments_dir) {
  std::vector<FieldProblem> out;
  for (const auto& [path, text] : texts) {
    const auto* field = text.empty() ? nullptr : forms_util::ResolveField(form, path);
    if (field == nullptr || field->type() != wardsync::forms::FieldDef::ATTACHMENT) continue;
    auto value = av::ParseText(text);
    if (!value.ok()) continue;  // CheckFields reports it
    if (Status held = attach::CheckHeld(attachments_dir, *value); !held.ok()) {
      out.push_back({{path}, "value", "attachment_not_held", {{"field", path}},
                     form.id() + ": field \"" + path + "\": " + held.message(),
                     form.id() + ": trường \"" + path + "\": tệp \"" + value->name() +
                         "\" không có trên máy này: hãy chọn lại tệp.",
                     ""});
    }
  }
  return out;
}

}  // namespace wardsync::client::ui
