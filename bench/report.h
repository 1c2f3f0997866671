// The benchmark's output: a table of every figure (median, min, max over
// the runs), one line per target marked met/missed, and the JSON document
// written to bench/results/latest.json.
#pragma once
#include <ostream>
#include <string>

#include "bench/scenarios.h"

namespace wardsync::bench {

struct RunInfo {
  std::string mode;     // "full" | "quick"
  std::string commit;
  std::string cpu;
  unsigned nproc = 0;
  std::string started;  // UTC ISO-8601
  double total_s = 0;
  double load_before = 0;  // 1-minute load average when the bench started
  double load_after = 0;
};

void PrintTable(const Options& o, const Figures& fig, std::ostream& out);
// One line per target: "met", "MISSED" or "not run"; returns the number missed.
int PrintTargets(const Figures& fig, std::ostream& out);
std::string ResultsJson(const Options& o, const RunInfo& info, const Figures& fig);

}  // namespace wardsync::bench
