#include "tests/support/fault_tally.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

namespace wardsync::test {

std::string_view TallyName(Tally item) {
  switch (item) {
    case Tally::kKillClient: return "kill_points_client";
    case Tally::kKillServer: return "kill_points_server";
    case Tally::kPowerCutClient: return "power_cuts_client";
    case Tally::kPowerCutServer: return "power_cuts_server";
    case Tally::kCutOffset: return "cut_offsets";
    case Tally::kChangeSetsChecked: return "change_sets_checked";
    case Tally::kLost: return "lost";
    case Tally::kDuplicated: return "duplicated";
  }
  return "unknown";
}

void CountFault(Tally item, uint64_t n) {
  const char* path = std::getenv("WARDSYNC_FAULT_TALLY");
  if (path == nullptr || *path == '\0' || n == 0) return;
  const std::string line = std::string(TallyName(item)) + " " + std::to_string(n) + "\n";
  const int fd = ::open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 || ::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    std::cerr << "fault tally: cannot append to " << path << ": " << std::strerror(errno) << "\n";
  }
  if (fd >= 0) ::close(fd);
}

}  // namespace wardsync::test
