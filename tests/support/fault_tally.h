// What the fault tests did, counted across processes and runs: scripts/soak
// sets WARDSYNC_FAULT_TALLY to a file, every fault test appends one line
// "<item> <n>" per event to it, and the soak sums the lines at the end
// (kill points and power cuts on each side, cut offsets, change-sets
// checked, lost, duplicated). Without the variable nothing is written.
//
// Lines are appended with O_APPEND, one write(2) each, so the tests of two
// binaries (or two processes) may share the file.
#pragma once
#include <cstdint>
#include <string_view>

namespace wardsync::test {

enum class Tally {
  kKillClient,         // a client process (sync, agent) SIGKILLed while it worked
  kKillServer,         // the server SIGKILLed while devices synced
  kPowerCutClient,     // a device's disk lost everything not synced
  kPowerCutServer,     // the server's disk lost everything not synced
  kCutOffset,          // a connection cut by the proxy at a chosen byte offset
  kChangeSetsChecked,  // change-sets checked at a final convergence check
  kLost,               // of those, missing on the server or a device
  kDuplicated,         // of those, applied (or held) more than once
};

std::string_view TallyName(Tally item);

// Appends "<name> <n>" to $WARDSYNC_FAULT_TALLY, if set. Never fails a
// test: a tally that cannot be written is reported on stderr.
void CountFault(Tally item, uint64_t n = 1);

}  // namespace wardsync::test
