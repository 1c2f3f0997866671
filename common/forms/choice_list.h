// Choice lists published beside the forms (forms.proto ChoiceListDef): a
// SINGLE_CHOICE or MULTIPLE_CHOICE field names one by `choice_list` instead
// of carrying inline `choices`. Lists are data that changes during a
// campaign (a candidate withdraws, a polling area is split), so they are
// versioned apart from the forms: a new version replaces the list offered
// to officers, and every value of every version stays valid, so a record
// made against an older list keeps its meaning (forms/README.md).
#pragma once
#include <cstddef>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "proto/forms.pb.h"

namespace wardsync::forms_util {

// Size limits of one list: a list travels in the HelloReply with the forms,
// so it must stay far below the first-frame budget.
inline constexpr size_t kMaxChoiceEntries = 2000;
inline constexpr size_t kMaxChoiceValueBytes = 64;
inline constexpr size_t kMaxChoiceLabelChars = 200;
inline constexpr size_t kMaxChoiceTitleChars = 200;
inline constexpr size_t kMaxChoiceListFileBytes = 1 << 20;

// Id [a-z0-9][a-z0-9-]*, version >= 1, 1..kMaxChoiceEntries entries, each
// value [a-z0-9][a-z0-9_-]* of at most 64 bytes and unique in the list,
// labels non-empty valid UTF-8 of at most 200 characters, ward ids (when
// given) of the ward id syntax. origin ("" for none) prefixes the message.
Status CheckChoiceList(const wardsync::forms::ChoiceListDef& list, std::string_view origin);

// A ChoiceListDef in protobuf JSON ({"id":..., "version":..., "entries":
// [{"value":..., "label":..., "ward":..., "group":...}]}), checked.
Result<wardsync::forms::ChoiceListDef> ParseChoiceListJson(std::string_view json, std::string_view origin);

// The entries offered to an officer of `ward`: every entry without a ward
// and those of that ward (all of them when ward is empty, e.g. a reviewer).
std::vector<const wardsync::forms::ChoiceEntry*> OfferedEntries(const wardsync::forms::ChoiceListDef& list,
                                                                 std::string_view ward);

}  // namespace wardsync::forms_util
