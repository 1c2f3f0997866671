#include "common/wire/record_scan.h"

#include <algorithm>

#include "common/wire/wire_reader.h"
#include "proto/records.pb.h"

namespace wardsync::wire {
namespace {

using records::Candidate;
using records::Conflict;
using records::FieldState;
using records::RecordState;
using records::ReviewComment;
using records::ReviewState;
using records::Stamp;

// Walks the message in `bytes`; for each field numbered `inner` that is a
// message, calls visit(its bytes). A field of another wire type than the
// one its declaration gives is an unknown field to protobuf: skipped here
// too. False if the bytes are not wire format.
template <typename Visit>
bool EachMessage(std::string_view bytes, uint32_t inner, Visit visit) {
  WireReader r = Over(bytes);
  while (r.p != r.end) {
    uint32_t number = 0, type = 0;
    std::string_view value;
    if (!r.Field(&number, &type, &value)) return false;
    if (number == inner && type == 2 && !visit(value)) return false;
  }
  return true;
}

// A Stamp's hlc, raising *m (the last one set wins in a parse).
bool StampHlc(std::string_view stamp, uint64_t* m) {
  WireReader r = Over(stamp);
  uint64_t hlc = 0;
  while (r.p != r.end) {
    uint32_t number = 0, type = 0;
    if (!r.Tag(&number, &type)) return false;
    if (number == Stamp::kHlcFieldNumber && type == 0) {
      if (!r.Varint(&hlc)) return false;
      continue;
    }
    std::string_view skipped;
    if (!r.Skip(type, &skipped)) return false;
  }
  *m = std::max(*m, hlc);
  return true;
}

// The stamp held in field `field` of the message in `bytes`.
bool NestedStamp(std::string_view bytes, uint32_t field, uint64_t* m) {
  return EachMessage(bytes, field, [m](std::string_view s) { return StampHlc(s, m); });
}

}  // namespace

bool ScanRecordHead(std::string_view bytes, PulledRecordHead* head) {
  *head = {};
  uint64_t* m = &head->largest_hlc;
  WireReader r = Over(bytes);
  while (r.p != r.end) {
    uint32_t number = 0, type = 0;
    if (!r.Tag(&number, &type)) return false;
    if (number == RecordState::kLogSeqFieldNumber && type == 0) {
      if (!r.Varint(&head->log_seq)) return false;
      continue;
    }
    std::string_view value;
    if (!r.Skip(type, &value)) return false;
    if (type != 2) continue;
    bool ok = true;
    switch (number) {
      case RecordState::kRecordIdFieldNumber:
        head->record_id = value;
        break;
      case RecordState::kFieldsFieldNumber:  // a map entry: key 1, FieldState 2
        ok = EachMessage(value, 2, [m](std::string_view fs) {
          return NestedStamp(fs, FieldState::kStampFieldNumber, m);
        });
        break;
      case RecordState::kCreatedFieldNumber:
      case RecordState::kLastChangeFieldNumber:
        ok = StampHlc(value, m);
        break;
      case RecordState::kConflictsFieldNumber:
        ok = NestedStamp(value, Conflict::kResolvedByFieldNumber, m) &&
             EachMessage(value, Conflict::kCandidatesFieldNumber, [m](std::string_view c) {
               return NestedStamp(c, Candidate::kStampFieldNumber, m);
             });
        break;
      case RecordState::kReviewFieldNumber:
        ok = NestedStamp(value, ReviewState::kStampFieldNumber, m);
        break;
      case RecordState::kCommentsFieldNumber:
        ok = NestedStamp(value, ReviewComment::kStampFieldNumber, m);
        break;
      default:
        break;
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace wardsync::wire
