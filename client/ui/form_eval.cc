#include "client/ui/form_eval.h"

#include "common/util/json_writer.h"

namespace wardsync::client::ui {

// PASS-THROUGH, replaced at merge by the forms helper's evaluation (see the
// header). It answers the reply's shape from the definition alone.
Result<std::string> EvaluateForm(const wardsync::forms::FormDef& form, const google::protobuf::Struct& values) {
  (void)values;
  util::JsonWriter w;
  w.BeginObject();
  w.Key("relevant").BeginObject();
  for (const auto& f : form.fields()) w.Key(f.name()).Bool(true);
  w.EndObject();
  w.Key("required").BeginObject();
  for (const auto& f : form.fields()) w.Key(f.name()).Bool(f.required());
  w.EndObject();
  w.Key("computed").BeginObject().EndObject();
  w.Key("problems").BeginArray().EndArray();
  w.EndObject();
  return w.str();
}

}  // namespace wardsync::client::ui
