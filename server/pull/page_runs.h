// Runs of the ward log that a page read may take whole instead of reading
// their entries (issue 15, session 12): the pieces between two consecutive
// fine points (page_cuts.h) kept by shared_pages.h. ReadPullRaw asks its
// RunSource at each boundary (fine point) it covers; the source answers
// with a run only if the reader's own read of its entries would give
// exactly the run's records: the same quarantine set and record limit,
// none of its records written after it in the reader's view, no own-echo
// candidate. The reader itself checks what depends on the page so far:
// the run fits the page's record and byte bounds, and names no record the
// page already met (the reader would leave that one out).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace wardsync::server {

// A record left out of a page (pull_reader.h, RawPullPage::Skipped).
struct SkippedRecord {
  std::string record_id;
  uint64_t bytes = 0;
  bool quarantined = false;
};

struct KeptRun {
  uint64_t start = 0;    // covers the log entries (start, end] of its ward
  uint64_t end = 0;
  uint64_t entries = 0;  // log entries in (start, end]
  uint64_t records = 0;
  uint64_t bytes = 0;    // encoded size of its records (as RawPullPage::bytes)
  std::vector<SkippedRecord> skipped;
  std::vector<std::string> ids;  // every record it names, once each
  virtual ~KeptRun() = default;
};

class RunSource {
 public:
  virtual ~RunSource() = default;
  // Whether a run may start or end after this log entry (a fine point).
  virtual bool Boundary(uint64_t seq) = 0;
  // A run covering (seq, end], usable by this read as said above; null if none.
  virtual std::shared_ptr<const KeptRun> At(uint64_t seq) = 0;
};

}  // namespace wardsync::server
