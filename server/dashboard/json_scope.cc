#include "server/dashboard/json_scope.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

namespace wardsync::server::dashboard {
namespace {

using google::protobuf::ListValue;
using google::protobuf::Value;

Result<Value> Parse(const std::string& json) {
  Value v;
  auto st = google::protobuf::util::JsonStringToMessage(json, &v);
  if (!st.ok()) return Status::Internal("a command printed JSON that does not parse: " + std::string(st.message()));
  return v;
}

Result<std::string> Print(const Value& v) {
  std::string out;
  auto st = google::protobuf::util::MessageToJsonString(v, &out);
  if (!st.ok()) return Status::Internal("cannot print JSON: " + std::string(st.message()));
  return out;
}

void Filter(ListValue* list, const accounts::WardScope& scope, const std::string& key) {
  ListValue kept;
  for (const auto& item : list->values()) {
    if (item.kind_case() != Value::kStructValue) continue;
    auto it = item.struct_value().fields().find(key);
    if (it != item.struct_value().fields().end() && it->second.kind_case() == Value::kStringValue &&
        scope.Sees(it->second.string_value())) {
      *kept.add_values() = item;
    }
  }
  list->Swap(&kept);
}

}  // namespace

Result<std::string> KeepWards(const std::string& json, const accounts::WardScope& scope, const std::string& ward_key,
                              const std::string& member) {
  if (scope.all) return json;
  auto v = Parse(json);
  if (!v.ok()) return v.status();
  if (member.empty()) {
    if (v->kind_case() != Value::kListValue) return Status::Internal("expected a JSON array");
    Filter(v->mutable_list_value(), scope, ward_key);
    return Print(*v);
  }
  if (v->kind_case() != Value::kStructValue) return Status::Internal("expected a JSON object");
  auto* fields = v->mutable_struct_value()->mutable_fields();
  auto it = fields->find(member);
  if (it == fields->end() || it->second.kind_case() != Value::kListValue) {
    return Status::Internal("expected an array in \"" + member + "\"");
  }
  Value only = it->second;
  Filter(only.mutable_list_value(), scope, ward_key);
  fields->clear();
  (*fields)[member] = only;
  return Print(*v);
}

Result<std::string> StringMember(const std::string& json, const std::string& key) {
  auto v = Parse(json);
  if (!v.ok()) return v.status();
  if (v->kind_case() != Value::kStructValue) return Status::Internal("expected a JSON object");
  auto it = v->struct_value().fields().find(key);
  if (it == v->struct_value().fields().end() || it->second.kind_case() != Value::kStringValue) return std::string();
  return it->second.string_value();
}

Result<bool> ArrayHas(const std::string& json, const std::string& key, const std::string& value) {
  auto v = Parse(json);
  if (!v.ok()) return v.status();
  if (v->kind_case() != Value::kListValue) return Status::Internal("expected a JSON array");
  for (const auto& item : v->list_value().values()) {
    if (item.kind_case() != Value::kStructValue) continue;
    auto it = item.struct_value().fields().find(key);
    if (it != item.struct_value().fields().end() && it->second.kind_case() == Value::kStringValue &&
        it->second.string_value() == value) {
      return true;
    }
  }
  return false;
}

Result<std::string> JoinArrays(const std::vector<std::string>& arrays) {
  Value all;
  all.mutable_list_value();
  for (const auto& a : arrays) {
    auto v = Parse(a);
    if (!v.ok()) return v.status();
    if (v->kind_case() != Value::kListValue) return Status::Internal("expected a JSON array");
    for (const auto& item : v->list_value().values()) *all.mutable_list_value()->add_values() = item;
  }
  return Print(all);
}

}  // namespace wardsync::server::dashboard
