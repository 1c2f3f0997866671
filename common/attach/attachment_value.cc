#include "common/attach/attachment_value.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <set>

#include "common/forms/json_text.h"
#include "common/forms/utf8.h"

namespace wardsync::attach {

using wardsync::changes::Attachment;
using wardsync::forms::FieldDef;

std::optional<std::string_view> SniffMediaType(std::string_view head) {
  if (head.size() >= 3 && head.substr(0, 3) == std::string_view("\xFF\xD8\xFF", 3)) return kJpeg;
  if (head.size() >= 8 && head.substr(0, 8) == std::string_view("\x89PNG\r\n\x1A\n", 8)) return kPng;
  if (head.size() >= 5 && head.substr(0, 5) == "%PDF-") return kPdf;
  return std::nullopt;
}

bool IsKnownMediaType(std::string_view media_type) {
  return media_type == kJpeg || media_type == kPng || media_type == kPdf;
}

std::vector<std::string> AllowedMediaTypes(const FieldDef& field) {
  if (field.media_types_size() == 0) return {std::string(kJpeg), std::string(kPng), std::string(kPdf)};
  return {field.media_types().begin(), field.media_types().end()};
}

uint64_t MaxBytes(const FieldDef& field) { return field.max_bytes() == 0 ? kMaxAttachmentBytes : field.max_bytes(); }

std::string CheckFieldLimits(const FieldDef& field) {
  std::set<std::string_view> seen;
  for (const auto& t : field.media_types()) {
    if (!IsKnownMediaType(t)) return "media type \"" + t + "\" is not one of image/jpeg, image/png, application/pdf";
    if (!seen.insert(t).second) return "media type \"" + t + "\" appears twice";
  }
  if (field.max_bytes() > kMaxAttachmentBytes) {
    return "maxBytes " + std::to_string(field.max_bytes()) + " is above the limit of " +
           std::to_string(kMaxAttachmentBytes) + " bytes (10 MiB)";
  }
  return "";
}

bool IsHashHex(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

namespace {

std::string Joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

std::string CheckValue(const FieldDef& field, const Attachment& value) {
  if (!IsHashHex(value.sha256())) return "the attachment's sha256 must be 64 lowercase hex digits";
  if (value.size() == 0) return "the attachment is empty";
  if (value.size() > MaxBytes(field)) {
    return "the attachment is " + std::to_string(value.size()) + " bytes, more than the limit of " +
           std::to_string(MaxBytes(field)) + " bytes";
  }
  const auto allowed = AllowedMediaTypes(field);
  if (std::find(allowed.begin(), allowed.end(), value.media_type()) == allowed.end()) {
    return "the attachment's type \"" + value.media_type() + "\" is not allowed here (allowed: " + Joined(allowed) + ")";
  }
  const std::string& name = value.name();
  if (name.size() > 255 || !forms_util::IsValidUtf8(name) ||
      std::any_of(name.begin(), name.end(), [](char c) { return c == '/' || static_cast<unsigned char>(c) < 0x20; })) {
    return "the attachment's name must be valid UTF-8 of at most 255 bytes, without '/' or control characters";
  }
  return "";
}

std::string FormatText(const Attachment& value) {
  std::string out = "{\"sha256\":";
  forms_util::AppendJsonString(value.sha256(), &out);
  out += ",\"size\":" + std::to_string(value.size()) + ",\"media_type\":";
  forms_util::AppendJsonString(value.media_type(), &out);
  out += ",\"name\":";
  forms_util::AppendJsonString(value.name(), &out);
  out += "}";
  return out;
}

Result<Attachment> ParseText(std::string_view text) {
  Attachment a;
  google::protobuf::util::JsonParseOptions options;  // unknown keys refused
  auto st = google::protobuf::util::JsonStringToMessage(std::string(text), &a, options);
  if (!st.ok()) {
    return Status::Invalid("an attachment is written {\"sha256\":\"<64 hex digits>\",\"size\":N,\"media_type\":\"image/jpeg\","
                           "\"name\":\"...\"} (or use --attach FIELD=FILE)");
  }
  return a;
}

}  // namespace wardsync::attach
