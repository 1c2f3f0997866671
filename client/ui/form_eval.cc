#include "client/ui/form_eval.h"

#include "client/ui/field_check.h"
#include "common/forms/value_text.h"
#include "common/util/json_writer.h"

namespace wardsync::client::ui {

Result<std::string> EvaluateForm(const wardsync::forms::FormDef& form, const google::protobuf::Struct& values) {
  auto texts = ValueTexts(form, values, nullptr);
  if (!texts.ok()) return texts.status();
  const CheckedForm checked = CheckFields(form, {}, *texts);
  util::JsonWriter w;
  w.BeginObject();
  w.Key("relevant").BeginObject();
  for (const auto& f : checked.evaluation.fields) w.Key(f.path).Bool(f.relevant);
  w.EndObject();
  w.Key("required").BeginObject();
  for (const auto& f : checked.evaluation.fields) w.Key(f.path).Bool(f.required);
  w.EndObject();
  w.Key("computed").BeginObject();
  for (const auto& [path, value] : checked.evaluation.computed) {
    std::string json;
    forms_util::AppendValueJson(value, &json);
    w.Key(path).Raw(json);
  }
  w.EndObject();
  w.Key("problems");
  WriteProblems(checked.problems, w);
  w.EndObject();
  return w.str();
}

}  // namespace wardsync::client::ui
