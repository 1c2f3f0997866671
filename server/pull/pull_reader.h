// Reads what a device may see after its cursor, in bounded pages.
// The scope is one ward (officers) or every ward (reviewers, admins). Each
// record appears once per page, in its current state; the returned cursor is
// the last log position the page covers, so storing records and cursor
// together never skips or repeats work.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/store/kv_store.h"
#include "proto/records.pb.h"
#include "server/pull/page_runs.h"

namespace wardsync::server {

struct PullPage {
  std::vector<wardsync::records::RecordState> records;
  uint64_t cursor = 0;
  bool more = false;
  uint64_t remaining = 0;   // log entries after `cursor` up to the head (upper bound for a ward)
};

// scope_ward "" = every ward. log_head bounds the scan (entries past it may be mid-commit).
// `store` is a read view (kv_store.h) in the server, so the log scan and the
// records it names are read at one instant.
Result<PullPage> ReadPull(KvReader& store, const std::string& scope_ward, uint64_t cursor, uint32_t max_records,
                          uint64_t log_head);

// The same page with each record as its stored bytes (a serialized
// RecordState), never parsed: the server sends them as they are (see
// pull_frame.h). max_bytes also bounds the page: a record that would take
// the page's encoded size (each record's bytes plus kRecordOverhead) past it
// ends the page (more = true), though a page always holds at least one record.
//
// A record that cannot be sent is never allowed to fail the pull: one held
// back by `wardsync-server quarantine` (quar/ index), or one whose bytes
// exceed `max_record_bytes` (a store written before the record size limit;
// ingest no longer lets a record grow past it), is left out of the page and
// named in `skipped`; the cursor moves past it as usual.
struct RawPullPage {
  static constexpr uint64_t kRecordOverhead = 6;  // field tag + length varint
  using Skipped = SkippedRecord;
  std::vector<std::string> records;
  std::vector<Skipped> skipped;
  uint64_t bytes = 0;       // encoded size of the records
  uint64_t cursor = 0;
  bool more = false;
  uint64_t remaining = 0;
  // With a RunSource: the runs taken whole, in log order; `at` is how many
  // of `records` come before each (their records are not in `records`,
  // their skipped ones are in `skipped`, and `bytes` counts them).
  struct Run {
    size_t at = 0;
    std::shared_ptr<const KeptRun> run;
  };
  std::vector<Run> runs;
  // With a RunSource: the parts of the log the page read entry by entry
  // from one boundary to the next (both covered), which could be kept as a
  // run: `clean` if every entry named a record not met before on the page
  // (so the records are what a read from `start` alone gives) and stored.
  struct Segment {
    uint64_t start = 0, end = 0, entries = 0;
    size_t first_record = 0, records = 0;    // in `records`
    size_t first_skipped = 0, skipped = 0;   // in `skipped`
    size_t first_met = 0, met = 0;           // in trace->met
    uint64_t bytes = 0;
  };
  std::vector<Segment> segments;
  // Further serialized PullBatch fields, appended by EncodePullFrame (the
  // own-echo fields, own_echo_page.h).
  std::string extra_fields;

  // Filled only when asked (`trace`): what page_cuts.h needs to end the
  // page early at a cut point, and shared_pages.h to tell whether a page
  // read earlier is still the one a later read would give.
  struct Trace {
    struct Met {
      uint64_t seq;
      std::string record_id;
      bool absent;  // named by the log, not stored (a rejected change not kept)
    };
    std::vector<Met> met;       // every record met on the page, in log order
    uint64_t entries = 0;       // log entries the page covers
    uint64_t first_cut = 0;     // the first cut point the page covers (0: none)
    bool cut = false;           // the page ends at first_cut (page_cuts.h)
    bool head_dependent = false;  // not cut only because the head is near: a later head may cut it
    // With `more`: the log seq that ended the page (the record that did not
    // fit), or for a cut page the cut_min_entries-th entry after the cursor.
    uint64_t stop_seq = 0;
    std::string stop_value;     // the bytes of the record that did not fit
  };
};
// With `trace`, also fills *trace, and ends the page at the first cut
// point (`is_cut`) it covers if the log holds at least cut_min_entries
// entries after the cursor up to the head, that point among the first
// cut_min_entries - 1 (page_cuts.h).
// With `runs` (and `trace`), takes whole the runs it offers at each
// boundary the page covers (page_runs.h), and lists the segments it read
// (RawPullPage::segments). The page is the same as without: the same
// records in the same order, cursor, more, remaining and stop.
Result<RawPullPage> ReadPullRaw(KvReader& store, const std::string& scope_ward, uint64_t cursor, uint32_t max_records,
                                uint64_t max_bytes, uint64_t log_head, uint64_t max_record_bytes = UINT64_MAX,
                                RawPullPage::Trace* trace = nullptr, bool (*is_cut)(uint64_t) = nullptr,
                                uint64_t cut_min_entries = 0, RunSource* runs = nullptr);

}  // namespace wardsync::server
