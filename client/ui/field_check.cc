#include "client/ui/field_check.h"

#include <google/protobuf/util/json_util.h>

#include "common/forms/field_path.h"
#include "common/forms/value_text.h"

namespace wardsync::client::ui {

using wardsync::forms::FormDef;

Result<forms_util::NamedTexts> ValueTexts(const FormDef& form, const google::protobuf::Struct& values,
                                          const forms_util::FieldMap* current) {
  // Back to JSON text: the exact input `wardsync new/edit --from-json` reads,
  // so the page and the command line share every conversion and message.
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(values, &json).ok()) {
    return Status::Invalid("\"values\" cannot be read as JSON");
  }
  return forms_util::JsonToFieldTexts(form, json, current);
}

forms_util::FieldMap KeptFields(const forms_util::FieldMap& current, const google::protobuf::Struct& values) {
  forms_util::FieldMap kept;
  for (const auto& [path, state] : current) {
    auto p = forms_util::ParseFieldPath(path);
    const std::string top = p ? p->field : path;
    if (values.fields().count(top) == 0) kept[path] = state;
  }
  return kept;
}

namespace {

std::string KindOf(const std::string& code) {
  if (code == "required") return "required";
  if (code.rfind("rule_", 0) == 0) return "rule";
  return "value";
}

std::string Param(const forms_util::Problem& p, const std::string& key) {
  for (const auto& [k, v] : p.params) {
    if (k == key) return v;
  }
  return "";
}

}  // namespace

CheckedForm CheckFields(const FormDef& form, forms_util::FieldMap base, const forms_util::NamedTexts& texts) {
  CheckedForm out;
  out.fields = std::move(base);
  for (const auto& [path, text] : texts) {
    out.fields.erase(path);
    if (text.empty()) continue;  // cleared
    const auto* field = forms_util::ResolveField(form, path);
    if (field == nullptr) continue;  // JsonToFieldTexts only gives paths of the form
    auto v = forms_util::ParseValue(form, *field, text);
    if (!v.ok()) {
      // ParseValue says why in English only; the Vietnamese sentence wraps it.
      out.problems.push_back({{path}, "value", "bad_value", {{"field", path}, {"text", text}}, v.status().message(),
                              form.id() + ": trường \"" + path + "\": giá trị không đọc được (" + v.status().message() + ")",
                              ""});
      continue;
    }
    *out.fields[path].mutable_value() = std::move(v).value();
  }
  out.evaluation = forms_util::Evaluate(form, out.fields);
  size_t rule = 0;  // broken_rules lists the rule problems, in their order
  for (const auto& p : out.evaluation.problems) {
    FieldProblem fp{{}, KindOf(p.code), p.code, p.params, p.en, p.vi, Param(p, "label")};
    if (!p.field.empty()) {
      // A value already reported as unreadable is not "required" as well.
      bool reported = false;
      for (const auto& q : out.problems) reported = reported || (q.code == "bad_value" && q.fields[0] == p.field);
      if (reported) continue;
      fp.fields.push_back(p.field);
    } else if (fp.kind == "rule" && rule < out.evaluation.broken_rules.size()) {
      fp.fields = out.evaluation.broken_rules[rule++].fields;  // shown on every field the rule names
    }
    out.problems.push_back(std::move(fp));
  }
  return out;
}

void WriteProblems(const std::vector<FieldProblem>& problems, util::JsonWriter& w) {
  w.BeginArray();
  for (const auto& p : problems) {
    w.BeginObject().Key("fields").BeginArray();
    for (const auto& f : p.fields) w.String(f);
    w.EndArray().Key("kind").String(p.kind).Key("code").String(p.code).Key("params").BeginObject();
    for (const auto& [k, v] : p.params) w.Key(k).String(v);
    w.EndObject().Key("message").String(p.en).Key("label").String(p.label);
    w.Key("text").BeginObject().Key("en").String(p.en).Key("vi").String(p.vi).EndObject().EndObject();
  }
  w.EndArray();
}

}  // namespace wardsync::client::ui
