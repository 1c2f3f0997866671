#include "common/status.h"

#include <cstdio>
#include <cstdlib>

namespace wardsync {

void DieOnMissingValue(const Status& status) {
  std::fprintf(stderr, "fatal: Result::value() read on an error: %s\n", status.ToString().c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace wardsync
