#include "common/forms/time_of_day.h"

namespace wardsync::forms_util {

bool IsTimeOfDay(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return false;
  for (size_t i : {0, 1, 3, 4}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const int h = (s[0] - '0') * 10 + (s[1] - '0');
  const int m = (s[3] - '0') * 10 + (s[4] - '0');
  return h < 24 && m < 60;
}

}  // namespace wardsync::forms_util
