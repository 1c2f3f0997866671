// common/status.h: reading the value of a Result that holds an error ends
// the process with the error's message, in every build type (a fork runs
// the read, so the test process survives).
#include <catch2/catch.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <string>

#include "common/status.h"

using wardsync::Result;
using wardsync::Status;

namespace {

// Runs `read` in a child process; returns its stderr and whether it died of SIGABRT.
template <typename F>
std::pair<std::string, bool> InChild(F read) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The abort is the child's expected end: not Catch2's fatal-signal
    // handler, which would print a "FAILED" report of the child into the
    // test log (the parent's verdict is the one that counts).
    std::signal(SIGABRT, SIG_DFL);
    ::dup2(fds[1], STDERR_FILENO);
    ::close(fds[0]);
    read();
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string err;
  char buf[256];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) err.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int wstatus = 0;
  REQUIRE(::waitpid(pid, &wstatus, 0) == pid);
  return {err, WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGABRT};
}

}  // namespace

TEST_CASE("reading the value of an error aborts with the error's message", "[status]") {
  SECTION("value()") {
    auto [err, aborted] = InChild([] {
      Result<int> r = Status::NotFound("no record 42");
      volatile int v = r.value();
      (void)v;  // never reached
    });
    CHECK(aborted);
    CHECK(err.find("no record 42") != std::string::npos);
  }
  SECTION("operator->") {
    auto [err, aborted] = InChild([] {
      Result<std::string> r = Status::Invalid("bad input");
      volatile size_t n = r->size();
      (void)n;  // never reached
    });
    CHECK(aborted);
    CHECK(err.find("bad input") != std::string::npos);
  }
}

TEST_CASE("a Result with a value gives it back", "[status]") {
  Result<std::string> r = std::string("hello");
  REQUIRE(r.ok());
  CHECK(r.value() == "hello");
  CHECK(r->size() == 5);
  CHECK(*r == "hello");
  CHECK(std::move(r).value() == "hello");
  Result<int> unset;  // default: an error, as asio's result slot needs
  CHECK_FALSE(unset.ok());
  CHECK(unset.status().message() == "result not set");
}
