#include "common/forms/json_values.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "common/attach/attachment_value.h"
#include "common/forms/field_path.h"
#include "common/forms/number_text.h"
#include "common/forms/quote.h"
#include "common/forms/validator.h"
#include "common/forms/value_text.h"

namespace wardsync::forms_util {
namespace {

using google::protobuf::Value;
using wardsync::forms::FieldDef;
using wardsync::forms::FormDef;

class Converter {
 public:
  Converter(const FormDef& form, const FieldMap* current) : form_(form), current_(current) {}

  Result<NamedTexts> Run(const google::protobuf::Struct& object) {
    // Struct's map has no order; sort for stable messages and output.
    std::vector<std::string> keys;
    for (const auto& [k, v] : object.fields()) keys.push_back(k);
    std::sort(keys.begin(), keys.end());
    for (const auto& key : keys) {
      const FieldDef* f = nullptr;
      for (const auto& field : form_.fields()) {
        if (field.name() == key) f = &field;
      }
      if (f == nullptr) return Status::Invalid(form_.id() + ": unknown field " + Quote(key) + "; fields: " + Names(form_.fields()));
      const Value& v = object.fields().at(key);
      if (f->type() == FieldDef::GROUP) {
        WS_RETURN_IF_ERROR(Group(*f, v));
        continue;
      }
      auto text = Text(*f, key, v);
      if (!text.ok()) return text.status();
      Emit(key, *text);
    }
    return std::move(out_);
  }

 private:
  static std::string Names(const google::protobuf::RepeatedPtrField<FieldDef>& fields) {
    std::string out;
    for (const auto& f : fields) out += (out.empty() ? "" : ", ") + f.name();
    return out;
  }

  // Writes NAME=TEXT unless an edit would write what the record holds.
  void Emit(const std::string& path, const std::string& text) {
    if (current_ != nullptr) {
      auto it = current_->find(path);
      const bool empty = it == current_->end() || !it->second.has_value() || IsEmptyValue(it->second.value());
      if (empty ? text.empty() : FormatValue(it->second.value()) == text) return;
    } else if (text.empty()) {
      return;
    }
    out_.emplace_back(path, text);
  }

  Result<std::string> Text(const FieldDef& f, const std::string& path, const Value& v) {
    auto bad = [&](const std::string& what) {
      return Status::Invalid(form_.id() + ": field " + Quote(path) + ": " + what);
    };
    switch (v.kind_case()) {
      case Value::kNullValue: return std::string();
      case Value::kStringValue: return v.string_value();
      case Value::kBoolValue: return std::string(v.bool_value() ? "true" : "false");
      case Value::kNumberValue: {
        const double d = v.number_value();
        if (f.type() == FieldDef::INTEGER && d == std::trunc(d) && std::fabs(d) > 9007199254740992.0) {
          return bad("the integer is beyond 2^53 and cannot be read exactly from a JSON number; write it as a string");
        }
        if (d == std::trunc(d) && std::fabs(d) <= 9007199254740992.0) return std::to_string(static_cast<int64_t>(d));
        return FormatDouble(d);
      }
      case Value::kListValue: {
        if (f.type() != FieldDef::MULTIPLE_CHOICE) return bad("an array is only for a multiple choice or a repeat group");
        std::string out;
        for (const auto& item : v.list_value().values()) {
          if (item.kind_case() != Value::kStringValue) return bad("the choices must be strings");
          if (item.string_value().find(',') != std::string::npos) return bad(Quote(item.string_value()) + " is not one of the choices");
          out += (out.empty() ? "" : ",") + item.string_value();
        }
        return out;
      }
      case Value::kStructValue: {
        // An attachment is {"sha256", "size", "media_type", "name"} (the
        // officer app's JSON): its text form is that object, read and
        // checked by ParseValue like a --set value. Written in FormatText's
        // order, so an edit that sends the stored value back (any key
        // order) is no change (Emit compares texts).
        if (f.type() != FieldDef::ATTACHMENT) return bad("an object is only for an attachment or the rows of a repeat group");
        std::string json;
        if (!google::protobuf::util::MessageToJsonString(v.struct_value(), &json).ok()) return bad("unreadable attachment");
        auto value = attach::ParseText(json);
        return value.ok() ? attach::FormatText(*value) : json;  // unreadable: ParseValue says why
      }
      default: return bad("an object is only for an attachment or the rows of a repeat group");
    }
  }

  Status Group(const FieldDef& g, const Value& v) {
    auto bad = [&](const std::string& what) { return Status::Invalid(form_.id() + ": field " + Quote(g.name()) + ": " + what); };
    std::set<std::string> given;
    if (v.kind_case() != Value::kNullValue) {
      if (v.kind_case() != Value::kListValue) return bad("a repeat group is an array of row objects");
      const auto& rows = v.list_value().values();
      for (int i = 0; i < rows.size(); ++i) {
        const std::string where = "row " + std::to_string(i + 1);
        if (rows[i].kind_case() != Value::kStructValue) return bad(where + " is not an object");
        const auto& row = rows[i].struct_value().fields();
        std::string id;
        if (auto it = row.find("_row"); it != row.end()) {
          if (it->second.kind_case() != Value::kStringValue || !IsRowId(it->second.string_value())) {
            return bad(where + ": \"_row\" must be a row id of 1 to 40 letters, digits, '-' or '_'");
          }
          id = it->second.string_value();
        } else {
          id = NewRowId();
        }
        if (!given.insert(id).second) return bad(where + ": row " + Quote(id) + " is given twice");
        Emit(RowMarkerPath(g.name(), id), std::to_string(i + 1));
        std::vector<std::string> keys;
        for (const auto& [k, x] : row) keys.push_back(k);
        std::sort(keys.begin(), keys.end());
        for (const auto& key : keys) {
          if (key == "_row") continue;
          const FieldDef* sub = nullptr;
          for (const auto& s : g.fields()) {
            if (s.name() == key) sub = &s;
          }
          if (sub == nullptr) return bad(where + ": unknown field " + Quote(key) + "; fields: " + Names(g.fields()));
          const std::string path = SubFieldPath(g.name(), id, key);
          auto text = Text(*sub, path, row.at(key));
          if (!text.ok()) return text.status();
          Emit(path, *text);
        }
      }
    }
    // An edit's rows replace the record's: the live rows left out are removed.
    if (current_ != nullptr) {
      RecordView view(form_, *current_);
      for (const auto& row : view.Rows(g.name())) {
        if (given.count(row.id) == 0) out_.emplace_back(RowMarkerPath(g.name(), row.id), "");
      }
    }
    return Status::Ok();
  }

  const FormDef& form_;
  const FieldMap* current_;
  NamedTexts out_;
};

}  // namespace

Result<NamedTexts> JsonToFieldTexts(const FormDef& form, std::string_view json, const FieldMap* current) {
  google::protobuf::Struct object;
  auto st = google::protobuf::util::JsonStringToMessage(google::protobuf::StringPiece(json.data(), json.size()), &object);
  if (!st.ok()) {
    return Status::Invalid("the values are not a JSON object: " + std::string(st.message().data(), st.message().size()));
  }
  return Converter(form, current).Run(object);
}

}  // namespace wardsync::forms_util
