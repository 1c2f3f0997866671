// Child processes for end-to-end tests: run a real binary, capture what it
// writes, wait for a line (e.g. the server's "listening on HOST:PORT"), wait
// for it to exit with a deadline, send it signals.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace wardsync::test {

// A name without '/' is taken from WARDSYNC_BIN_DIR (the build's bin/).
std::string BinaryPath(const std::string& binary);

class Process {
 public:
  // Starts binary with args; stdin is /dev/null, stdout and stderr are
  // captured. Throws std::runtime_error if the process cannot be started.
  Process(const std::string& binary, const std::vector<std::string>& args);
  // Kills (SIGKILL) and reaps the process if it still runs.
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }

  // Waits until a complete line of stderr (or stdout) contains `needle` and
  // returns that line; nullopt on timeout or if the stream ends first.
  std::optional<std::string> WaitForStderrLine(const std::string& needle,
                                               std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::optional<std::string> WaitForStdoutLine(const std::string& needle,
                                               std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Waits for the process to exit; its exit code (128+N if killed by signal
  // N), or nullopt if it still runs at the deadline.
  std::optional<int> Wait(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  bool Signal(int sig);
  bool running();
  // Exit code once Wait() saw the exit.
  std::optional<int> exit_code() const { return exit_code_; }
  // Whether it ended by a signal, and which.
  int term_signal() const { return term_signal_; }

  // Everything captured so far (complete once Wait() returned a code).
  std::string out();
  std::string err();

 private:
  void ReadLoop(int out_fd, int err_fd);
  std::optional<std::string> WaitForLine(bool err, const std::string& needle, std::chrono::milliseconds timeout);
  bool Reap(bool block);

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  int term_signal_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string out_, err_;
  bool out_closed_ = false, err_closed_ = false;
  std::thread reader_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs binary with args to completion (killed after `timeout`: exit_code -1).
CommandResult RunCommand(const std::string& binary, const std::vector<std::string>& args,
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace wardsync::test
