#include "server/audit/report_common.h"

#include <cstdio>

#include "common/changes/changeset.h"
#include "common/forms/value_text.h"

namespace wardsync::server::audit {

using wardsync::records::RecordState;

namespace {

enum class Standing {
  kOther,         // another form's, deleted, or a placeholder: not this section's
  kUnderReview,   // this section's, but its figures are not taken
  kProvisional,   // counted; some value is still in a VALUES conflict
  kCounted,
};

const wardsync::changes::Value* ValueOf(const RecordState& r, std::string_view field) {
  auto it = r.fields().find(std::string(field));
  if (it == r.fields().end() || !it->second.has_value()) return nullptr;
  return &it->second.value();
}

std::string Trim(const std::string& s) {
  const char* ws = " \t\r\n";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

}  // namespace

bool UnderReview(const RecordState& r) {
  if (r.placeholder()) return true;
  for (const auto& c : r.conflicts()) {
    if (c.open() && c.kind() != wardsync::records::VALUES) return true;
  }
  return false;
}

static Standing StandingOf(const RecordState& r, std::string_view form) {
  if (r.form_id() != form || r.deleted() || r.placeholder()) return Standing::kOther;
  if (UnderReview(r)) return Standing::kUnderReview;
  for (const auto& c : r.conflicts()) {
    if (c.open()) return Standing::kProvisional;
  }
  return Standing::kCounted;
}

bool Take(const RecordState& r, std::string_view form, uint64_t* provisional, uint64_t* under_review) {
  switch (StandingOf(r, form)) {
    case Standing::kOther: return false;
    case Standing::kUnderReview: ++*under_review; return false;  // named in the ward's review list, never summed
    case Standing::kProvisional: ++*provisional; return true;
    case Standing::kCounted: return true;
  }
  return false;
}

std::optional<uint64_t> Count(const RecordState& r, std::string_view field) {
  const auto* v = ValueOf(r, field);
  if (v == nullptr || v->kind_case() != wardsync::changes::Value::kInteger || v->integer() < 0) return std::nullopt;
  return static_cast<uint64_t>(v->integer());
}

bool Typed(const RecordState& r, std::string_view field) {
  const auto* v = ValueOf(r, field);
  return v != nullptr && v->kind_case() == wardsync::changes::Value::kText;
}

std::string Word(const RecordState& r, std::string_view field) {
  const auto* v = ValueOf(r, field);
  if (v == nullptr) return "";
  switch (v->kind_case()) {
    case wardsync::changes::Value::kText: return Trim(v->text());
    case wardsync::changes::Value::kChoice: return Trim(v->choice());
    case wardsync::changes::Value::kDate: return Trim(v->date());
    // A checkpoint kept as a time of day ("09:00") once the form says so;
    // "HH:MM" sorts in time order like the "09h" choices did.
    case wardsync::changes::Value::kTime: return Trim(v->time());
    default: return "";
  }
}

std::optional<bool> Boolean(const RecordState& r, std::string_view field) {
  const auto* v = ValueOf(r, field);
  if (v == nullptr || v->kind_case() != wardsync::changes::Value::kBoolean) return std::nullopt;
  return v->boolean();
}

std::string RecordHex(const RecordState& r) { return changes_util::RecordIdText(r.record_id()); }

std::string FieldValues(const RecordState& r, std::initializer_list<std::string_view> fields) {
  std::string out;
  for (auto f : fields) {
    const auto* v = ValueOf(r, f);
    if (!out.empty()) out += ", ";
    out += std::string(f) + "=" + (v ? forms_util::FormatValue(*v) : std::string("(empty)"));
  }
  return out;
}

std::string Label(const ReportContext& ctx, std::string_view form, std::string_view field, const std::string& value) {
  if (auto f = ctx.field_labels.find(std::string(form) + "/" + std::string(field)); f != ctx.field_labels.end()) {
    if (auto it = f->second.find(value); it != f->second.end()) return it->second;
  }
  auto it = ctx.choice_labels.find(value);
  return it == ctx.choice_labels.end() ? "" : it->second;
}

AreaKey AreaOf(const RecordState& r) {
  std::string area = Word(r, "polling_area");
  if (area.empty()) area = Word(r, "station_code");
  return {r.ward(), area.empty() ? "(no polling area)" : area};
}

void AreaJson(util::JsonWriter& w, const AreaKey& a, const ReportContext& ctx) {
  auto it = ctx.choice_labels.find(a.area);
  w.BeginObject().Key("ward").String(a.ward).Key("area").String(a.area);
  w.Key("label").String(it == ctx.choice_labels.end() ? "" : it->second).EndObject();
}

std::vector<AreaKey> ExpectedAreas(const ReportContext& ctx, const std::set<AreaKey>& known) {
  std::set<std::string> wards = ctx.scope;
  for (const auto& a : known) wards.insert(a.ward);
  std::vector<AreaKey> out;
  for (const auto& ward : wards) {
    if (auto it = ctx.ward_areas.find(ward); it != ctx.ward_areas.end() && !it->second.empty()) {
      for (const auto& area : it->second) out.push_back({ward, area});
      continue;
    }
    for (auto a = known.lower_bound({ward, ""}); a != known.end() && a->ward == ward; ++a) out.push_back(*a);
  }
  return out;
}

void FigureJson(util::JsonWriter& w, std::string_view key, const Figure& f) {
  w.Key(key);
  if (f.overflow()) w.Null();
  else w.Uint(f.value());
}

std::optional<double> Share(const Figure& part, const Figure& whole) {
  if (part.overflow() || whole.overflow() || whole.value() == 0) return std::nullopt;
  return static_cast<double>(part.value()) / static_cast<double>(whole.value());
}

std::string Percent(const std::optional<double>& share) {
  if (!share) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", *share * 100.0);
  return buf;
}

void ShareJson(util::JsonWriter& w, std::string_view key, const std::optional<double>& share) {
  w.Key(key);
  if (share) w.Raw(std::to_string(*share));
  else w.Null();
}

}  // namespace wardsync::server::audit
