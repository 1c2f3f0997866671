// What every section of `report` shares (server/audit/report_*.h): how a
// record stands (counted, provisional, under review, or not this section's),
// reading its values, the item that names a doubtful record, the options of
// one run, and a checked figure in JSON.
//
// Under review = an open conflict of any kind other than VALUES (a broken
// rule, a rejected change, and any kind added later such as a duplicate), or
// a placeholder: its figures are not taken, it is counted apart and named.
// A record with only VALUES conflicts is counted with its provisional values
// (the section says how many).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/util/json_writer.h"
#include "proto/records.pb.h"
#include "server/audit/figure.h"

namespace wardsync::server::audit {

// What every section does first: a record of `form` under review is counted
// in *under_review, a provisional one in *provisional; true when its figures
// are to be taken.
bool Take(const wardsync::records::RecordState& r, std::string_view form, uint64_t* provisional,
          uint64_t* under_review);
bool UnderReview(const wardsync::records::RecordState& r);

// The non-negative integer in `field`, if it holds one.
std::optional<uint64_t> Count(const wardsync::records::RecordState& r, std::string_view field);
// Text, choice, date or time (HH:MM) value, trimmed; "" when empty or of another kind.
std::string Word(const wardsync::records::RecordState& r, std::string_view field);
// The field holds text: a name or number typed by the officer (older form
// versions), not a value picked from a list.
bool Typed(const wardsync::records::RecordState& r, std::string_view field);
std::optional<bool> Boolean(const wardsync::records::RecordState& r, std::string_view field);
// 32 hex digits.
std::string RecordHex(const wardsync::records::RecordState& r);
// "agree=55, attended=52": the fields `fields` names, as a reviewer reads them.
std::string FieldValues(const wardsync::records::RecordState& r, std::initializer_list<std::string_view> fields);

// A record whose figures are not taken: what `report` names.
struct ReviewItem {
  std::string record;   // id, 32 hex digits
  std::string form;
  std::string what;     // render::ReviewMark ("RULE BROKEN: ...") or the section's finding ("DUPLICATE: ...")
  std::string values;   // the values it concerns, "agree=55, attended=52"
};

// One run's view of time, for ages and deadlines (complaints).
struct ReportContext {
  std::string today;               // YYYY-MM-DD, local date of the server (or --today)
  uint32_t complaint_days = 5;     // deadline of a complaint without its own `due_date`, in days
  // Value -> label of every published choice list entry (newest version's
  // label), so a section keyed by a list value can show its label.
  std::map<std::string, std::string> choice_labels;
  // "form/field" -> value -> label of the form's own choices (newest
  // version's label): checkpoints, assessments.
  std::map<std::string, std::map<std::string, std::string>> field_labels;
  // Ward -> the polling areas the published list gives it (the list a
  // `polling_area` field names, newest version): what "missing" counts from.
  std::map<std::string, std::set<std::string>> ward_areas;
  // The wards the figures being shown cover (one ward, or all for the city).
  std::set<std::string> scope;
};

// The label of `value` in `form`'s field `field` (its choices, else any
// published list); "" when none.
std::string Label(const ReportContext& ctx, std::string_view form, std::string_view field, const std::string& value);

// A polling area, named by its ward and the list value picked
// (`polling_area`, versions that pick from `polling-areas`) or the code the
// officers typed (`station_code`, older versions).
struct AreaKey {
  std::string ward;
  std::string area;
  auto operator<=>(const AreaKey&) const = default;
  std::string Text() const { return ward + "/" + area; }
};
AreaKey AreaOf(const wardsync::records::RecordState& r);
// {"ward", "area", "label"} (label: the list's, "" for a typed code).
void AreaJson(util::JsonWriter& w, const AreaKey& a, const ReportContext& ctx);
// The areas a report expects, in order: for each ward in ctx.scope or of
// `known`, the list's areas of that ward when the list gives it any (typed
// codes of older records are then not expected: they compare unlike), else
// the areas `known` (named by records) of that ward.
std::vector<AreaKey> ExpectedAreas(const ReportContext& ctx, const std::set<AreaKey>& known);

// A sum that overflowed is null, never a wrapped number (the section says
// "overflow": true).
void FigureJson(util::JsonWriter& w, std::string_view key, const Figure& f);
// share = part / whole with one decimal ("83.3%"), "n/a" when unknown.
std::optional<double> Share(const Figure& part, const Figure& whole);
std::string Percent(const std::optional<double>& share);
void ShareJson(util::JsonWriter& w, std::string_view key, const std::optional<double>& share);

}  // namespace wardsync::server::audit
