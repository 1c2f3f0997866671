// Own changes not echoed (PROTOCOL.md): the arithmetic device and server
// share so that a record the device already holds need not come back in its
// pull, and the device still ends with exactly the record a full page gives.
//
// The device knows the server view its pending change-sets should produce:
// loc/ is srv/ with them overlaid. What it cannot know is what the server
// adds on ingest: received_ms of its stamps and the record's log_seq. Those
// are the only fields Normalize blanks. Anything else ingest may do (clamp a
// stamp, reset a review, open a REJECTED/DUPLICATE/VALUES conflict, merge
// another device's change, quarantine) leaves the normalized bytes different
// from the device's, so the digests differ and the record is sent in full.
// The server also checks that Fill(Normalize(S)) gives back S exactly before
// leaving S out: the device's result is then S, not a guess.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "proto/records.pb.h"

namespace wardsync::echo {

// The device's change-sets whose stamps the server fills in.
struct OwnRange {
  std::string device_id;
  uint64_t from_seq = 0;
  uint64_t to_seq = 0;   // inclusive; from_seq > to_seq: empty
  bool Holds(const records::Stamp& s) const;
};

// received_ms of each own change-set seq, as the server stamped it.
using ReceivedTimes = std::map<uint64_t, uint64_t>;

// `record` with log_seq = 0 and received_ms = 0 on every stamp of `range`
// (every Stamp anywhere in the record, found by reflection, so a field added
// to RecordState later is covered too).
records::RecordState Normalize(const records::RecordState& record, const OwnRange& range);

// The 8-byte digest of a normalized record: the first 8 bytes (little
// endian) of SHA-256 over its deterministic serialization.
uint64_t Digest(const records::RecordState& normalized);

// Adds the received_ms of every stamp of `range` in `record` to *times.
// False if a seq would get two different times (then the record cannot be
// completed from one time per change-set, and is sent in full).
bool CollectTimes(const records::RecordState& record, const OwnRange& range, ReceivedTimes* times);

// The inverse of Normalize: log_seq and the received_ms of every stamp of
// `range` whose seq has a time in `times`.
void Fill(records::RecordState* record, const OwnRange& range, const ReceivedTimes& times, uint64_t log_seq);

// Deterministic serialization (map entries in key order): two equal records
// give the same bytes, whatever order their maps were filled in.
std::string CanonicalBytes(const records::RecordState& record);

}  // namespace wardsync::echo
