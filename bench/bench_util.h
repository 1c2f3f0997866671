// Small helpers of the benchmark: process CPU and memory from /proc,
// summary statistics, wall clocks, directories.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace wardsync::bench {

// CPU seconds (user + system) and peak resident set of one process, read
// from /proc/<pid>/stat and /proc/<pid>/status. pid 0 = this process.
struct ProcSample {
  double cpu_s = 0;
  double peak_rss_mb = 0;   // VmHWM
  double rss_mb = 0;        // VmRSS now
};
ProcSample SampleProcess(pid_t pid);
// CPU seconds of each thread of a process, largest first (the server's
// busiest thread in S1 is its group committer).
std::vector<double> ThreadCpuSeconds(pid_t pid);
// Resets VmHWM to the current RSS (Linux clear_refs "5"), so the next peak
// belongs to the phase that follows. Best effort.
void ResetPeakRss(pid_t pid);

// Median, min, max of samples (all 0 when empty).
struct Summary {
  double median = 0, min = 0, max = 0;
  size_t n = 0;
};
Summary Summarize(std::vector<double> v);
// The p-th percentile (0..100) by nearest rank; 0 when empty.
double Percentile(std::vector<double> v, double p);

inline double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// A fresh directory under $TMPDIR (or /tmp), removed by Remove().
Result<std::string> MakeTempDir(const std::string& tag);
Status RemoveTree(const std::string& path);
// cp -a of a directory tree (from must exist, to must not).
Status CopyTree(const std::string& from, const std::string& to);
// Bytes of every regular file under path.
uint64_t TreeBytes(const std::string& path);

// The disk's own synced-write rate where `dir` is: `count` appends of
// `bytes` each to a new file, each followed by fdatasync (what one synced
// LevelDB write costs the disk: an append to its log and a sync), per
// second. The file is removed after.
Result<double> SyncedAppendsPerSecond(const std::string& dir, uint64_t count, size_t bytes);

// The 1-minute load average (other processes compete for the same cores).
double LoadAverage();
// "AMD EPYC ..." from /proc/cpuinfo, or "unknown".
std::string CpuModel();
// `git rev-parse HEAD` in dir, or "unknown".
std::string GitCommit(const std::string& dir);

// Thousands separators for the table: 51234.5 -> "51,235".
std::string Grouped(double v);

}  // namespace wardsync::bench
