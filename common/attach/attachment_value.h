// Attachment values (a photo or PDF of signed paper minutes): the media
// types the system takes, how they are recognised (by their first bytes,
// never by the file name), a field's limits, and the value's text form.
// Shared by capture, the validator, ingest and the upload on both ends, so
// they all accept exactly the same things.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "proto/changes.pb.h"
#include "proto/forms.pb.h"

namespace wardsync::attach {

inline constexpr std::string_view kJpeg = "image/jpeg";
inline constexpr std::string_view kPng = "image/png";
inline constexpr std::string_view kPdf = "application/pdf";
// A field's max_bytes of 0 means this; no field may allow more (issue 13:
// "at most 10 MB"), so a form cannot make devices send what the server
// would never take.
inline constexpr uint64_t kMaxAttachmentBytes = 10u << 20;

// The media type the first bytes show: JPEG FF D8 FF, PNG 89 50 4E 47 0D
// 0A 1A 0A, PDF "%PDF-"; nullopt for anything else (or too few bytes).
std::optional<std::string_view> SniffMediaType(std::string_view head);
// Bytes SniffMediaType needs at most.
inline constexpr size_t kSniffBytes = 8;
bool IsKnownMediaType(std::string_view media_type);

// The field's allowed media types (all three when it names none) and its
// largest size (kMaxAttachmentBytes when 0).
std::vector<std::string> AllowedMediaTypes(const wardsync::forms::FieldDef& field);
uint64_t MaxBytes(const wardsync::forms::FieldDef& field);

// The limits of an ATTACHMENT field as published: known media types, none
// twice, max_bytes at most kMaxAttachmentBytes. "" when fine, else why not.
std::string CheckFieldLimits(const wardsync::forms::FieldDef& field);

// A value for the field: sha256 is 64 lowercase hex digits, size 1 ..
// MaxBytes, media type among the allowed, name valid UTF-8 of at most 255
// bytes with no '/' or control character. "" when fine, else why not.
std::string CheckValue(const wardsync::forms::FieldDef& field, const wardsync::changes::Attachment& value);

// Text form (`--set`, listings; the officer app's JSON too):
//   {"sha256":"<hex>","size":N,"media_type":"image/jpeg","name":"bien-ban.jpg"}
// ParseText(FormatText(a)) gives a back.
std::string FormatText(const wardsync::changes::Attachment& value);
Result<wardsync::changes::Attachment> ParseText(std::string_view text);

// True for a 64-digit lowercase hex SHA-256.
bool IsHashHex(std::string_view s);

}  // namespace wardsync::attach
