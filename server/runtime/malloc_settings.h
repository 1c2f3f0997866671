// glibc malloc settings for the server process (`run --malloc-arenas N`).
//
// Why: in bench S4's burst (2,000 devices syncing at once) the heap's peak
// was ~225 MB but the server's RSS ~400 MB. The difference is glibc's:
// one arena per io/store/committer thread (up to 8 per core), each keeping
// what its thread freed, and a dynamic mmap threshold that, once a large
// buffer was freed, puts later large frames and pages on the heap, where
// their freed space stays resident. Four arenas and fixed thresholds
// (large blocks mmapped and unmapped when freed; free space at a heap's
// top returned past a threshold) keep the burst under 256 MB (234-252 MB).
// Not one arena: every thread then shares one arena's lock and free lists,
// and a 50,000-record backlog push ran at 20,800 records/s against 34,600
// with four (the committer's CPU 1.62 against 1.14 s); two: 24,900
// (bench/README.md, session 11, lead).
// The trim threshold is 4 MiB, not 128 KiB (session 14): trimming a heap's
// top at every free past 128 KiB handed pages back that the next sync
// faulted in again; with 4 MiB a fleet sync (bench S4 at one rate) cost
// the server 3-5% less CPU and a burst ~6% less (within the noise over
// the bench's full ladder of rates), the burst's peak RSS unmoved.
//
// Process-wide and best applied before the threads start (an arena, once
// made, stays). A MALLOC_ARENA_MAX / MALLOC_MMAP_THRESHOLD_ /
// MALLOC_TRIM_THRESHOLD_ environment variable wins over the setting here.
#pragma once
#include <cstddef>

#include "common/status.h"

namespace wardsync::server {

struct MallocSettings {
  // M_ARENA_MAX; 0 leaves glibc's default (8 per core).
  unsigned arenas = 4;
  // M_MMAP_THRESHOLD and M_TRIM_THRESHOLD (fixed: glibc's own default
  // moves them up to 32 MiB after the first large free); 0 leaves glibc's.
  size_t mmap_threshold = 128 << 10;
  size_t trim_threshold = 4 << 20;
};

// Applies what the environment does not set; an error names a setting
// glibc refused (the process still runs with glibc's defaults for it).
Status ApplyMallocSettings(const MallocSettings& s);

}  // namespace wardsync::server
