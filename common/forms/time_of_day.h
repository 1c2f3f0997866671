// Time of day values (FieldDef.TIME): "HH:MM", 00:00 to 23:59, the ward's
// local time as the officer reads it off the clock (no zone: every ward of
// a committee shares one).
#pragma once
#include <string_view>

namespace wardsync::forms_util {

bool IsTimeOfDay(std::string_view s);

}  // namespace wardsync::forms_util
