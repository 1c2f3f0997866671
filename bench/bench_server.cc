#include "bench/bench_server.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

#include "common/clock/clock.h"
#include "common/store/leveldb_store.h"
#include "common/store/proto_io.h"
#include "common/util/files.h"
#include "server/cli/init_command.h"
#include "server/runtime/server_runtime.h"
#include "server/server_context.h"
#include "server/server_paths.h"
#include "server/store/server_keys.h"

namespace wardsync::bench {

Status InitServerDir(const std::string& dir, const std::string& forms_dir) {
  server::InitOptions o;
  o.data_dir = dir;
  o.forms_dir = forms_dir;
  o.committee = "wardsync bench committee";
  std::ostringstream out;
  return server::InitServer(o, out);
}

Result<ServerFacts> ReadServerFacts(const std::string& dir) {
  server::ServerPaths paths(dir);
  ServerFacts facts;
  WS_RETURN_IF_ERROR(util::ReadFile(paths.ca_cert(), &facts.ca_pem));
  auto db = LevelDbStore::Open(paths.db());
  if (!db.ok()) return db.status();
  auto key = crypto::PrivateKey::Generate();  // ServerContext wants one; nothing is signed here
  if (!key.ok()) return key.status();
  SystemClock clock;
  server::ServerContext ctx{**db, clock, *key, {}, {}};
  WS_RETURN_IF_ERROR(server::LoadForms(ctx));
  auto data = ctx.forms.Get();
  for (const auto* f : data->registry.Published()) facts.forms.push_back(*f);
  facts.wards = data->wards;
  for (const auto* l : data->registry.ChoiceLists()) facts.choice_lists.push_back(*l);
  facts.forms_epoch = data->epoch;
  return facts;
}

Status WriteDeviceRows(const std::string& dir, const std::vector<wardsync::store::Device>& rows) {
  auto db = LevelDbStore::Open(server::ServerPaths(dir).db());
  if (!db.ok()) return db.status();
  WriteBatch batch;
  for (const auto& d : rows) PutProto(batch, server::keys::Device(d.id()), d);
  return (*db)->Write(batch, /*sync=*/true);
}

namespace {

// Before fork (sched_setaffinity is a plain system call, safe in the child).
cpu_set_t CoreSet(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (cpu >= 0) CPU_SET(cpu, &set);
  return set;
}

}  // namespace

Result<std::string> SiblingProgram(const std::string& name) {
  char self[4096];
  ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (len <= 0) return Status::Internal("cannot find this program's path in /proc/self/exe");
  std::string path(self, static_cast<size_t>(len));
  const auto slash = path.rfind('/');
  return path.substr(0, slash + 1) + name;
}

Result<int> RunChild(const std::vector<std::string>& args, int cpu,
                     const std::function<void(const std::string&)>& on_line) {
  std::vector<std::string> words = args;
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  const cpu_set_t set = CoreSet(cpu);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Status::Internal("pipe failed");
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return Status::Internal("fork failed");
  }
  if (pid == 0) {
    dup2(fds[1], 1);
    if (cpu >= 0) sched_setaffinity(0, sizeof set, &set);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  std::string pending;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, static_cast<size_t>(n));
    for (size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
      on_line(pending.substr(0, nl));
      pending.erase(0, nl + 1);
    }
  }
  close(fds[0]);
  if (!pending.empty()) on_line(pending);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status)) return Status::Internal(args[0] + " was killed by signal " + std::to_string(WTERMSIG(status)));
  return WEXITSTATUS(status);
}

Result<std::unique_ptr<BenchServer>> BenchServer::Spawn(const std::string& dir, const std::string& log_path,
                                                        int cpu) {
  char self[4096];
  ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (len <= 0) return Status::Internal("cannot find this program's path in /proc/self/exe");
  self[len] = '\0';
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Status::Internal("pipe failed");
  // Everything the child needs is prepared before fork: after it, only
  // async-signal-safe calls until exec.
  // WARDSYNC_BENCH_SERVER_WRAP="valgrind --tool=callgrind" runs the server
  // under a profiler (words split on spaces; see bench/README.md).
  std::vector<std::string> words;
  if (const char* wrap = std::getenv("WARDSYNC_BENCH_SERVER_WRAP")) {
    std::istringstream in(wrap);
    for (std::string w; in >> w;) words.push_back(w);
  }
  words.insert(words.end(), {self, "--serve", dir});
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  const cpu_set_t set = CoreSet(cpu);
  const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    close(fds[0]);
    close(fds[1]);
    return Status::Internal("cannot open server log " + log_path);
  }
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    close(log_fd);
    return Status::Internal("fork failed");
  }
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(log_fd, 2);
    if (cpu >= 0) sched_setaffinity(0, sizeof set, &set);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  close(log_fd);
  std::unique_ptr<BenchServer> srv(new BenchServer());
  srv->pid_ = pid;
  srv->owned_ = true;
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (line.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fds[0], POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[64];
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  const long port = std::strtol(line.c_str(), nullptr, 10);
  if (port <= 0 || port > 65535) {
    Status stopped = srv->Stop();
    return Status::Unavailable("the bench server did not start (see " + log_path + ")" +
                               (stopped.ok() ? "" : "; stopping it: " + stopped.message()));
  }
  srv->port_ = static_cast<uint16_t>(port);
  return srv;
}

std::unique_ptr<BenchServer> BenchServer::External(std::string host, uint16_t port, pid_t pid) {
  std::unique_ptr<BenchServer> srv(new BenchServer());
  srv->host_ = std::move(host);
  srv->port_ = port;
  srv->pid_ = pid;
  return srv;
}

BenchServer::~BenchServer() {
  // A destructor cannot report: say it on stderr (the bench's figures were
  // taken before; a server that did not exit cleanly is still worth knowing).
  if (Status s = Stop(); !s.ok()) std::cerr << "bench: " << s.message() << "\n";
}

ProcSample BenchServer::Sample() const { return pid_ > 0 ? SampleProcess(pid_) : ProcSample{}; }

void BenchServer::ResetPeak() const {
  if (pid_ > 0) ResetPeakRss(pid_);
}

Status BenchServer::Stop() {
  if (!owned_ || pid_ <= 0) return Status::Ok();
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  int status = 0;
  for (;;) {
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || r < 0) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a child's exit, not synchronising
  }
  pid_ = 0;
  owned_ = false;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
  return Status::Internal("the bench server did not exit cleanly");
}

int ServeMain(const std::string& dir) {
  server::BlockStopSignals();  // before any thread exists: SIGTERM is taken by WaitForSignal
  server::RuntimeOptions o;
  o.data_dir = dir;
  o.host = "127.0.0.1";
  o.port = 0;
  // Every limit is the server's default: S4's simulated devices each
  // connect from their own loopback address (bench/loadgen/sim_device.h).
  auto rt = server::ServerRuntime::Start(o);
  if (!rt.ok()) {
    std::cerr << "error: " << rt.status().message() << "\n";
    return 1;
  }
  std::printf("%u\n", static_cast<unsigned>((*rt)->port()));
  std::fflush(stdout);
  (*rt)->WaitForSignal();
  (*rt)->Stop();
  return 0;
}

}  // namespace wardsync::bench
