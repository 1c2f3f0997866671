// The largest HLC stamp a record carries. A new change of a record is
// stamped after it (HybridLogicalClock::Observe), so it is causally after
// everything the editor was shown: on an officer's or reviewer's device
// (client::Capture) and for a resolution decided on the server.
#pragma once
#include <cstdint>

#include "proto/records.pb.h"

namespace wardsync {

// Largest hybrid logical clock stamp anywhere in the record: creation, last
// change, every field, every conflict's candidates and resolution (0 if
// none).
uint64_t LargestHlc(const records::RecordState& record);

}  // namespace wardsync
