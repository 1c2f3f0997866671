#include "common/wire/content_limits.h"

#include "common/wire/protocol_limits.h"

namespace wardsync::wire {
namespace {

using wardsync::changes::Change;
using wardsync::changes::Value;

// The name of what is checked is made into text only for a refusal: the
// server checks every string of every change-set it receives (an io thread
// made ~20 strings a change before).
Status TooLong(std::string_view what, size_t size, uint32_t limit) {
  return Status::Exhausted(std::string(what) + " of " + std::to_string(size) + " bytes exceeds the limit of " +
                           std::to_string(limit) + " bytes");
}

Status CheckText(std::string_view what, const std::string& s, const ContentLimits& l) {
  if (s.size() > l.max_text_bytes) return TooLong(what, s.size(), l.max_text_bytes);
  return Status::Ok();
}

Status CheckValue(const std::string& field, const Value& v, const ContentLimits& l) {
  const auto what = [&field] { return "value of field \"" + field.substr(0, 64) + "\""; };
  // A string of the value, `part` naming which one after the field.
  const auto text = [&](const std::string& s, std::string_view part = {}) {
    return s.size() > l.max_text_bytes ? TooLong(what() + std::string(part), s.size(), l.max_text_bytes) : Status::Ok();
  };
  switch (v.kind_case()) {
    case Value::kText:
      return text(v.text());
    case Value::kDate:
      return text(v.date());
    case Value::kChoice:
      return text(v.choice());
    case Value::kChoices: {
      if (static_cast<uint32_t>(v.choices().values_size()) > l.max_fields_per_change)
        return Status::Exhausted(what() + " holds " + std::to_string(v.choices().values_size()) +
                                 " choices, over the limit of " + std::to_string(l.max_fields_per_change));
      for (const auto& c : v.choices().values()) WS_RETURN_IF_ERROR(text(c));
      return Status::Ok();
    }
    case Value::kAttachment:
      // Only the reference travels in a change (the bytes go apart, Frame
      // 20-24): its strings are bounded like any other; the hash, size and
      // media type are the validator's (a content matter: REJECTED).
      WS_RETURN_IF_ERROR(text(v.attachment().name(), " (attachment name)"));
      WS_RETURN_IF_ERROR(text(v.attachment().media_type(), " (attachment media type)"));
      return text(v.attachment().sha256(), " (attachment sha256)");
    default:
      return Status::Ok();
  }
}

Status CheckChange(const Change& c, const ContentLimits& l) {
  if (static_cast<uint32_t>(c.sets_size()) > l.max_fields_per_change)
    return Status::Exhausted("a change sets " + std::to_string(c.sets_size()) + " fields, over the limit of " +
                             std::to_string(l.max_fields_per_change));
  WS_RETURN_IF_ERROR(CheckText("form id", c.form_id(), l));
  WS_RETURN_IF_ERROR(CheckText("ward", c.ward(), l));
  WS_RETURN_IF_ERROR(CheckText("conflict id", c.conflict_id(), l));
  WS_RETURN_IF_ERROR(CheckText("reason", c.reason(), l));
  WS_RETURN_IF_ERROR(CheckText("comment", c.comment(), l));
  WS_RETURN_IF_ERROR(CheckText("base device id", c.base().device_id(), l));
  for (const auto& set : c.sets()) {
    WS_RETURN_IF_ERROR(CheckText("field name", set.field(), l));
    WS_RETURN_IF_ERROR(CheckText("base device id", set.base().device_id(), l));
    if (set.has_value()) WS_RETURN_IF_ERROR(CheckValue(set.field(), set.value(), l));
  }
  return Status::Ok();
}

}  // namespace

ContentLimits ContentLimitsOf(const wardsync::sync::ServerLimits& announced) {
  const auto a = FillMinimums(announced);
  ContentLimits l;
  l.max_officer_bytes = a.max_officer_bytes();
  l.max_text_bytes = a.max_text_bytes();
  l.max_fields_per_change = a.max_fields_per_change();
  l.max_changeset_bytes = a.max_changeset_bytes();
  return l;
}

Status CheckOfficerName(const std::string& officer, const ContentLimits& limits) {
  if (officer.size() > limits.max_officer_bytes) return TooLong("officer name", officer.size(), limits.max_officer_bytes);
  return Status::Ok();
}

Status CheckChangeSetBody(const wardsync::changes::ChangeSetBody& body, uint64_t body_bytes,
                          const ContentLimits& limits) {
  if (body_bytes > limits.max_changeset_bytes)
    return TooLong("change-set", body_bytes, limits.max_changeset_bytes);
  WS_RETURN_IF_ERROR(CheckOfficerName(body.officer(), limits));
  for (const auto& c : body.changes()) WS_RETURN_IF_ERROR(CheckChange(c, limits));
  return Status::Ok();
}

}  // namespace wardsync::wire
