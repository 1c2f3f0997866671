#include "server/audit/record_export.h"

#include "common/changes/changeset.h"
#include "common/forms/value_text.h"
#include "common/render/record_render.h"
#include "common/util/json_writer.h"

namespace wardsync::server::audit {

using wardsync::records::RecordState;

namespace {

bool OpenConflict(const RecordState& r) {
  for (const auto& c : r.conflicts()) {
    if (c.open()) return true;
  }
  return false;
}

}  // namespace

bool IsPlainNumber(std::string_view t) {
  size_t i = (!t.empty() && (t[0] == '-' || t[0] == '+')) ? 1 : 0;
  size_t digits = 0, dots = 0;
  for (; i < t.size(); ++i) {
    if (t[i] >= '0' && t[i] <= '9') ++digits;
    else if (t[i] == '.' && dots == 0) ++dots;
    else return false;
  }
  return digits > 0;
}

bool NeedsNeutralising(std::string_view text) {
  if (text.empty()) return false;
  switch (text[0]) {
    case '=': case '+': case '-': case '@': case '\t': case '\r': return !IsPlainNumber(text);
    default: return false;
  }
}

void AppendCsvField(std::string_view text, std::string* out) {
  // OWASP "CSV Injection": a spreadsheet runs a cell that starts with one
  // of these as a formula; a leading ' makes it text (shown without the ').
  const bool neutralise = NeedsNeutralising(text);
  if (!neutralise && text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(text);
    return;
  }
  out->push_back('"');
  if (neutralise) out->push_back('\'');
  for (char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

RecordExporter::RecordExporter(std::ostream& out, ExportFormat format, const wardsync::forms::FormDef& form,
                               bool with_deleted)
    : out_(out), format_(format), form_(form), with_deleted_(with_deleted) {}

void RecordExporter::Begin() {
  if (format_ == ExportFormat::kJson) {
    out_ << "[";
    return;
  }
  line_.clear();
  line_ += "id,ward,version,last_change,conflict,review";
  if (with_deleted_) line_ += ",deleted";
  for (const auto& f : form_.fields()) {
    line_ += ',';
    AppendCsvField(f.name(), &line_);
  }
  line_ += "\r\n";
  out_ << line_;
}

void RecordExporter::Add(const RecordState& r) {
  if (r.placeholder()) return;  // never created: no record of the form (`conflicts` lists it)
  const std::string review = render::ReviewMark(r);
  const std::string id = changes_util::RecordIdText(r.record_id());
  const std::string when = render::HlcTime(r.last_change().hlc());
  if (format_ == ExportFormat::kJson) {
    util::JsonWriter w;
    w.BeginObject().Key("id").String(id).Key("ward").String(r.ward()).Key("version").Uint(r.form_version());
    w.Key("last_change").String(when).Key("conflict").Bool(OpenConflict(r));
    if (review.empty()) w.Key("review").Null();
    else w.Key("review").String(review);
    if (with_deleted_) w.Key("deleted").Bool(r.deleted());
    w.Key("fields").BeginObject();
    for (const auto& f : form_.fields()) {
      auto it = r.fields().find(f.name());
      std::string v;
      if (it != r.fields().end() && it->second.has_value()) forms_util::AppendValueJson(it->second.value(), &v);
      w.Key(f.name()).Raw(v.empty() ? "null" : v);
    }
    w.EndObject().EndObject();
    out_ << (rows_ == 0 ? "\n" : ",\n") << w.str();
    ++rows_;
    return;
  }
  line_.clear();
  line_ += id;
  line_ += ',';
  AppendCsvField(r.ward(), &line_);
  line_ += ',' + std::to_string(r.form_version()) + ',' + when + ',' + (OpenConflict(r) ? "true" : "false");
  line_ += ',';
  AppendCsvField(review, &line_);
  if (with_deleted_) line_ += r.deleted() ? ",true" : ",false";
  for (const auto& f : form_.fields()) {
    line_ += ',';
    auto it = r.fields().find(f.name());
    if (it != r.fields().end() && it->second.has_value()) {
      // An attachment is named by its hash (`wardsync-server attachment HASH`).
      const auto& v = it->second.value();
      AppendCsvField(v.has_attachment() ? v.attachment().sha256() : forms_util::FormatValue(v), &line_);
    }
  }
  line_ += "\r\n";
  out_ << line_;
  ++rows_;
}

void RecordExporter::End() {
  if (format_ == ExportFormat::kJson) out_ << (rows_ == 0 ? "]\n" : "\n]\n");
}

}  // namespace wardsync::server::audit
