#include "client/attach/attachment_copy.h"

#include <cstdio>
#include <filesystem>

#include "common/attach/attachment_value.h"
#include "common/attach/file_digest.h"
#include "common/forms/validator.h"
#include "common/util/files.h"

namespace wardsync::client::attach {

namespace av = wardsync::attach;

std::string CopyPath(const std::string& attachments_dir, const std::string& sha256_hex) {
  return attachments_dir + "/" + sha256_hex;
}

Result<Copied> CopyIn(const std::string& attachments_dir, const CopySource& source, const forms::FormDef& form,
                      const forms::FieldDef& field) {
  const std::string& file = source.file;
  const std::string shown = source.name.empty() ? file : source.name;  // what the officer knows it by
  const std::string what = form.id() + ": field \"" + field.name() + "\": ";
  if (field.type() != forms::FieldDef::ATTACHMENT) return Status::Invalid(what + "is not an attachment field");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return Status::Invalid(what + shown + " is not a readable file");
  const auto on_disk = std::filesystem::file_size(file, ec);
  if (!ec && on_disk > av::MaxBytes(field)) {  // before reading a huge file at all
    return Status::Invalid(what + shown + " is " + std::to_string(on_disk) + " bytes, more than the limit of " +
                           std::to_string(av::MaxBytes(field)) + " bytes");
  }
  auto digest = av::DigestFile(file);
  if (!digest.ok()) return Status::Invalid(what + digest.status().message());
  const auto type = av::SniffMediaType(digest->head);
  if (!type) return Status::Invalid(what + shown + " is not a JPEG, PNG or PDF file (checked by its first bytes)");
  if (!source.claimed_type.empty() && source.claimed_type != *type) {
    return Status::Invalid(what + "the file's first bytes show " + std::string(*type) + ", not " + source.claimed_type +
                           " as its type says");
  }
  Copied c;
  c.value.set_sha256(digest->sha256_hex);
  c.value.set_size(digest->size);
  c.value.set_media_type(std::string(*type));
  c.value.set_name(source.name.empty() ? std::filesystem::path(file).filename().string() : source.name);
  changes::Value v;
  *v.mutable_attachment() = c.value;
  WS_RETURN_IF_ERROR(forms_util::ValidateValue(form, field, v));

  const std::string dest = CopyPath(attachments_dir, c.value.sha256());
  if (util::Exists(dest)) return c;  // the same bytes were attached before (content-addressed)
  WS_RETURN_IF_ERROR(util::MakeDirs(attachments_dir));
  std::string bytes;
  WS_RETURN_IF_ERROR(util::ReadFile(file, &bytes));
  // The file may have changed since it was hashed: the copy must be what the
  // value names.
  if (bytes.size() != c.value.size()) return Status::Invalid(what + shown + " changed while it was being read");
  WS_RETURN_IF_ERROR(util::WriteFileAtomic(dest, bytes, 0600));
  auto check = av::DigestFile(dest);
  if (!check.ok() || check->sha256_hex != c.value.sha256()) {
    std::remove(dest.c_str());
    return Status::Invalid(what + shown + " changed while it was being read");
  }
  c.created = true;
  return c;
}

Status CheckHeld(const std::string& attachments_dir, const changes::Attachment& value) {
  std::error_code ec;
  const auto size = av::IsHashHex(value.sha256())  // never a path from anything else
                        ? std::filesystem::file_size(CopyPath(attachments_dir, value.sha256()), ec)
                        : 0;
  if (ec || size == 0 || size != value.size()) {
    return Status::Invalid("the attachment \"" + value.name() + "\" (sha256 " + value.sha256() +
                           ") is not on this device: attach the file again");
  }
  return Status::Ok();
}

void RemoveCopy(const std::string& attachments_dir, const Copied& copied) {
  if (copied.created) std::remove(CopyPath(attachments_dir, copied.value.sha256()).c_str());
}

}  // namespace wardsync::client::attach
