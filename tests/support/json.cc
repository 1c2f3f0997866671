#include "tests/support/json.h"

#include <google/protobuf/util/json_util.h>

#include <stdexcept>

namespace wardsync::test {

JsonValue ParseJson(const std::string& text) {
  JsonValue v;
  auto st = google::protobuf::util::JsonStringToMessage(text, &v);
  if (!st.ok()) throw std::runtime_error("not JSON (" + st.ToString() + "): " + text);
  return v;
}

const JsonValue& At(const JsonValue& obj, const std::string& key) {
  if (obj.kind_case() != JsonValue::kStructValue) throw std::runtime_error("not a JSON object: looking up " + key);
  auto it = obj.struct_value().fields().find(key);
  if (it == obj.struct_value().fields().end()) throw std::runtime_error("JSON object has no key " + key);
  return it->second;
}

const google::protobuf::RepeatedPtrField<JsonValue>& Items(const JsonValue& v) {
  if (v.kind_case() != JsonValue::kListValue) throw std::runtime_error("not a JSON array");
  return v.list_value().values();
}

std::string Str(const JsonValue& v) {
  if (v.kind_case() != JsonValue::kStringValue) throw std::runtime_error("not a JSON string");
  return v.string_value();
}

double Num(const JsonValue& v) {
  if (v.kind_case() != JsonValue::kNumberValue) throw std::runtime_error("not a JSON number");
  return v.number_value();
}

bool Bool(const JsonValue& v) {
  if (v.kind_case() != JsonValue::kBoolValue) throw std::runtime_error("not a JSON boolean");
  return v.bool_value();
}

bool IsNull(const JsonValue& v) { return v.kind_case() == JsonValue::kNullValue; }

}  // namespace wardsync::test
