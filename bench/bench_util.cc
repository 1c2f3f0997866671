#include "bench/bench_util.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace wardsync::bench {

namespace fs = std::filesystem;

namespace {

std::string ProcPath(pid_t pid, const char* leaf) {
  return "/proc/" + (pid == 0 ? std::string("self") : std::to_string(pid)) + "/" + leaf;
}

double StatusKb(const std::string& text, const std::string& field) {
  size_t at = text.find(field + ":");
  if (at == std::string::npos) return 0;
  return std::strtod(text.c_str() + at + field.size() + 1, nullptr);
}

// utime + stime of a /proc/.../stat file, in seconds.
double StatCpu(const std::string& path) {
  std::ifstream stat(path);
  std::string line;
  std::getline(stat, line);
  // Fields after the command name (which may hold spaces) start at ") ".
  size_t close = line.rfind(')');
  if (close == std::string::npos || close + 2 > line.size()) return 0;
  std::istringstream rest(line.substr(close + 2));
  std::string f;
  std::vector<std::string> fields;
  while (rest >> f) fields.push_back(f);
  // fields[0] is field 3 (state); utime is field 14, stime field 15.
  if (fields.size() <= 12) return 0;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  return (std::strtod(fields[11].c_str(), nullptr) + std::strtod(fields[12].c_str(), nullptr)) / tick;
}

}  // namespace

std::vector<double> ThreadCpuSeconds(pid_t pid) {
  std::vector<double> out;
  std::error_code ec;
  for (auto it = fs::directory_iterator(ProcPath(pid, "task"), ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    out.push_back(StatCpu(it->path().string() + "/stat"));
  }
  std::sort(out.rbegin(), out.rend());
  return out;
}

ProcSample SampleProcess(pid_t pid) {
  ProcSample out;
  out.cpu_s = StatCpu(ProcPath(pid, "stat"));
  std::ifstream status(ProcPath(pid, "status"));
  std::stringstream buf;
  buf << status.rdbuf();
  out.peak_rss_mb = StatusKb(buf.str(), "VmHWM") / 1024.0;
  out.rss_mb = StatusKb(buf.str(), "VmRSS") / 1024.0;
  return out;
}

void ResetPeakRss(pid_t pid) {
  std::ofstream f(ProcPath(pid, "clear_refs"));
  f << "5";
}

Summary Summarize(std::vector<double> v) {
  Summary s;
  s.n = v.size();
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.min = v.front();
  s.max = v.back();
  s.median = v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  return s;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  rank = std::clamp<size_t>(rank, 1, v.size());
  return v[rank - 1];
}

Result<std::string> MakeTempDir(const std::string& tag) {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/wardsync-bench-" + tag + "-XXXXXX";
  if (!mkdtemp(tmpl.data())) return Status::Internal("cannot create a temporary directory from " + tmpl);
  return tmpl;
}

Status RemoveTree(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) return Status::Internal("cannot remove " + path + ": " + ec.message());
  return Status::Ok();
}

Status CopyTree(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::copy(from, to, fs::copy_options::recursive, ec);
  if (ec) return Status::Internal("cannot copy " + from + " to " + to + ": " + ec.message());
  return Status::Ok();
}

Result<double> SyncedAppendsPerSecond(const std::string& dir, uint64_t count, size_t bytes) {
  const std::string path = dir + "/synced-appends.bin";
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Internal("cannot create " + path);
  const std::string record(bytes, 'x');
  Status st;
  const auto t0 = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < count && st.ok(); ++i) {
    if (write(fd, record.data(), record.size()) != static_cast<ssize_t>(record.size())) {
      st = Status::Internal("write to " + path + " failed");
    } else if (fdatasync(fd) != 0) {
      st = Status::Internal("fdatasync of " + path + " failed");
    }
  }
  const double secs = SecondsSince(t0);
  close(fd);
  unlink(path.c_str());
  if (!st.ok()) return st;
  return static_cast<double>(count) / secs;
}

uint64_t TreeBytes(const std::string& path) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

double LoadAverage() {
  std::ifstream f("/proc/loadavg");
  double v = 0;
  f >> v;
  return v;
}

std::string CpuModel() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string m = line.substr(colon + 1);
        while (!m.empty() && m.front() == ' ') m.erase(m.begin());
        return m;
      }
    }
  }
  return "unknown";
}

std::string GitCommit(const std::string& dir) {
  std::string cmd = "git -C '" + dir + "' rev-parse HEAD 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return "unknown";
  std::array<char, 128> buf{};
  std::string out;
  while (fgets(buf.data(), buf.size(), p)) out += buf.data();
  int rc = pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  if (rc != 0 || out.size() != 40) return "unknown";
  return out;
}

std::string Grouped(double v) {
  char buf[64];
  if (std::fabs(v) < 10 && v != std::floor(v)) {
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.0f", v);
  std::string digits = buf;
  std::string out;
  bool neg = !digits.empty() && digits[0] == '-';
  if (neg) digits.erase(digits.begin());
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return neg ? "-" + out : out;
}

}  // namespace wardsync::bench
