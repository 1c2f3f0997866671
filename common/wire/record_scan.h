// What the device needs of a pulled record to store it as it came (the
// server's bytes under srv/, client_keys.h), read from those bytes without
// parsing the record: its id, its log position, and its largest HLC stamp
// (the device's clock absorbs it). A first pull of 50,000 records spent
// most of the device's io thread building parsed records (a heap string
// per device id and officer of every stamp) only to read these three.
#pragma once
#include <cstdint>
#include <string_view>

namespace wardsync::wire {

struct PulledRecordHead {
  std::string_view record_id;  // into the scanned bytes
  uint64_t log_seq = 0;
  // LargestHlc (common/clock/record_hlc.h) of the parsed record. For bytes
  // protobuf wrote (each message once) they are equal; for a message split
  // over repeated occurrences, which a parse merges, this is the largest
  // stamp of any of them, never less than the parse's.
  uint64_t largest_hlc = 0;
};

// False if the bytes are not a well-formed serialized records.RecordState
// at the levels walked (every top-level field, and the messages holding
// stamps); then parse them, and the parse says what is wrong.
bool ScanRecordHead(std::string_view bytes, PulledRecordHead* head);

}  // namespace wardsync::wire
