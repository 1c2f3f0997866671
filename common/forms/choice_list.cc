#include "common/forms/choice_list.h"

#include <google/protobuf/util/json_util.h>

#include <set>
#include <string>

#include "common/forms/form_check.h"
#include "common/forms/quote.h"
#include "common/forms/utf8.h"

namespace wardsync::forms_util {

using wardsync::forms::ChoiceListDef;

Status CheckChoiceList(const ChoiceListDef& list, std::string_view origin) {
  const std::string where = (origin.empty() ? "" : std::string(origin) + ": ") + "choice list " + Quote(list.id());
  auto fail = [&](const std::string& why) { return Status::Invalid(where + ": " + why); };
  if (!IsFormId(list.id())) return fail("id must match [a-z0-9][a-z0-9-]*");
  if (list.version() < 1) return fail("version must be 1 or more");
  auto title = Utf8Length(list.title());
  if (!title || *title > kMaxChoiceTitleChars) return fail("title must be valid UTF-8 of at most 200 characters");
  if (list.entries_size() == 0) return fail("has no entries");
  if (static_cast<size_t>(list.entries_size()) > kMaxChoiceEntries) {
    return fail("has " + std::to_string(list.entries_size()) + " entries, at most " +
                std::to_string(kMaxChoiceEntries) + " are allowed");
  }
  std::set<std::string_view> seen;
  for (int i = 0; i < list.entries_size(); ++i) {
    const auto& e = list.entries(i);
    const std::string entry = "entry #" + std::to_string(i + 1) + " " + Quote(e.value());
    if (!IsChoiceValue(e.value()) || e.value().size() > kMaxChoiceValueBytes) {
      return fail(entry + ": value must match [a-z0-9][a-z0-9_-]* and be at most 64 characters");
    }
    if (!seen.insert(e.value()).second) return fail(entry + ": value appears twice");
    auto label = Utf8Length(e.label());
    if (!label || *label == 0 || *label > kMaxChoiceLabelChars) {
      return fail(entry + ": label must be non-empty valid UTF-8 of at most 200 characters");
    }
    if (!e.ward().empty() && !IsWardId(e.ward())) return fail(entry + ": ward " + Quote(e.ward()) + " is not a ward id");
    auto group = Utf8Length(e.group());
    if (!group || *group > kMaxChoiceLabelChars) return fail(entry + ": group must be valid UTF-8 of at most 200 characters");
  }
  return Status::Ok();
}

Result<ChoiceListDef> ParseChoiceListJson(std::string_view json, std::string_view origin) {
  ChoiceListDef list;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto st = google::protobuf::util::JsonStringToMessage(google::protobuf::StringPiece(json.data(), json.size()), &list,
                                                        options);
  if (!st.ok()) return Status::Invalid(std::string(origin) + ": invalid JSON: " + std::string(st.message()));
  WS_RETURN_IF_ERROR(CheckChoiceList(list, origin));
  return list;
}

std::vector<const wardsync::forms::ChoiceEntry*> OfferedEntries(const ChoiceListDef& list, std::string_view ward) {
  std::vector<const wardsync::forms::ChoiceEntry*> out;
  for (const auto& e : list.entries()) {
    if (ward.empty() || e.ward().empty() || e.ward() == ward) out.push_back(&e);
  }
  return out;
}

}  // namespace wardsync::forms_util
