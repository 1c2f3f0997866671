// The capture commands' clock warning (client/sync/clock_offset.h).
#include "client/cli/command.h"
#include "client/sync/clock_offset.h"

namespace wardsync::client {

void WarnIfClockOff(ClientEnv& env, std::ostream& err) {
  auto state = env.store().State();
  if (!state.ok()) return;  // the change is saved; a warning is not worth an error
  if (auto text = ClockWarning(*state, env.clock().NowMs(), ReadBootTime())) err << *text << "\n";
}

}  // namespace wardsync::client
