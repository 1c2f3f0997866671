#include "tests/support/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace wardsync::test {

std::string BinaryPath(const std::string& binary) {
  if (binary.find('/') != std::string::npos) return binary;
  return std::string(WARDSYNC_BIN_DIR) + "/" + binary;
}

Process::Process(const std::string& binary, const std::vector<std::string>& args) {
  const std::string path = BinaryPath(binary);
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  std::vector<std::string> argv_s;
  argv_s.push_back(path);
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid_ == 0) {
    // Child: only async-signal-safe calls from here on.
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    execv(path.c_str(), argv.data());
    const char msg[] = "exec failed\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  reader_ = std::thread([this, o = out_pipe[0], e = err_pipe[0]] { ReadLoop(o, e); });
}

Process::~Process() {
  if (!exit_code_) {
    Signal(SIGKILL);
    Reap(true);
  }
  // The pipes end when the child (and anything that inherited them) is gone.
  if (reader_.joinable()) reader_.join();
}

void Process::ReadLoop(int out_fd, int err_fd) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  int open_count = 2;
  char buf[8192];
  while (open_count > 0) {
    int n = poll(fds, 2, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t r = read(fds[i].fd, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      std::lock_guard<std::mutex> lock(mu_);
      if (r <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
        (i == 0 ? out_closed_ : err_closed_) = true;
      } else {
        (i == 0 ? out_ : err_).append(buf, static_cast<size_t>(r));
      }
      cv_.notify_all();
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) close(f.fd);
  }
  std::lock_guard<std::mutex> lock(mu_);
  out_closed_ = err_closed_ = true;
  cv_.notify_all();
}

std::optional<std::string> Process::WaitForLine(bool err, const std::string& needle,
                                                std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  std::optional<std::string> found;
  auto scan = [&] {
    const std::string& text = err ? err_ : out_;
    size_t start = 0;
    for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
      std::string line = text.substr(start, nl - start);
      if (line.find(needle) != std::string::npos) {
        found = line;
        return true;
      }
    }
    return err ? err_closed_ : out_closed_;
  };
  cv_.wait_for(lock, timeout, scan);
  return found;
}

std::optional<std::string> Process::WaitForStderrLine(const std::string& needle, std::chrono::milliseconds timeout) {
  return WaitForLine(true, needle, timeout);
}

std::optional<std::string> Process::WaitForStdoutLine(const std::string& needle, std::chrono::milliseconds timeout) {
  return WaitForLine(false, needle, timeout);
}

bool Process::Reap(bool block) {
  if (exit_code_) return true;
  int status = 0;
  pid_t r;
  do {
    r = waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r != pid_) return false;
  if (WIFEXITED(status)) {
    exit_code_ = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    term_signal_ = WTERMSIG(status);
    exit_code_ = 128 + term_signal_;
  } else {
    exit_code_ = -1;
  }
  return true;
}

std::optional<int> Process::Wait(std::chrono::milliseconds timeout) {
  // waitpid has no timeout: poll it with a deadline (the exit itself is the event).
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!Reap(false)) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // The child is gone: wait for the reader to drain what it wrote.
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, std::chrono::seconds(5), [&] { return out_closed_ && err_closed_; });
  return exit_code_;
}

bool Process::Signal(int sig) {
  if (exit_code_) return false;
  return kill(pid_, sig) == 0;
}

bool Process::running() { return !Reap(false); }

std::string Process::out() {
  std::lock_guard<std::mutex> lock(mu_);
  return out_;
}

std::string Process::err() {
  std::lock_guard<std::mutex> lock(mu_);
  return err_;
}

CommandResult RunCommand(const std::string& binary, const std::vector<std::string>& args,
                         std::chrono::milliseconds timeout) {
  Process p(binary, args);
  CommandResult r;
  auto code = p.Wait(timeout);
  if (!code) {
    p.Signal(SIGKILL);
    p.Wait(std::chrono::seconds(10));
    r.exit_code = -1;
    r.err = "[killed after timeout]\n";
  } else {
    r.exit_code = *code;
  }
  r.out = p.out();
  r.err = p.err() + r.err;
  return r;
}

}  // namespace wardsync::test
