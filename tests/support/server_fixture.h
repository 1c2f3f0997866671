// A real central server in this process for integration tests: a temp data
// directory made by server::InitServer with the election pack, and a
// server::ServerRuntime serving it on 127.0.0.1 (real TLS, real LevelDB).
//
// The first Start() takes a free port (port 0); later starts reuse it, so
// enrolled devices, whose configuration names HOST:PORT, reach the server
// again after Restart().
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "server/runtime/server_runtime.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace wardsync::test {

struct ServerFixtureOptions {
  server::ServerLimits limits;
  unsigned threads = 2;
  bool start = true;   // start serving in the constructor
  const Clock* clock = nullptr;  // the server's clock (nullptr: the system clock); must outlive the fixture
  size_t record_cache_bytes = 0;  // run --record-cache-mb (server_runtime.h)
};

class ServerFixture {
 public:
  explicit ServerFixture(ServerFixtureOptions options = {});
  ~ServerFixture();
  ServerFixture(const ServerFixture&) = delete;
  ServerFixture& operator=(const ServerFixture&) = delete;

  // Each REQUIREs success.
  void Start();
  void Stop();     // drains the committer: everything acknowledged is on disk
  void Restart();  // Stop + Start on the same data dir and port
  ServerFixtureOptions& options() { return options_; }  // takes effect at the next Restart()
  bool running() const { return runtime_ != nullptr; }

  const std::string& data_dir() const { return data_dir_; }
  uint16_t port() const { return port_; }
  std::string address() const;  // "127.0.0.1:PORT"
  server::ServerRuntime& runtime();  // REQUIREs running()
  KvStore& store() { return runtime().ctx().store; }
  // Writes `batch` on the committer's thread, the store's one writer (a
  // write from the test's thread is refused: server/store/
  // single_writer_store.h): to plant what an older release stored.
  Status WriteAsCommitter(const WriteBatch& batch);

  // An administrative command (without program name and --data, e.g.
  // {"records", "--json"}), run as `wardsync-server` would: inside the
  // running server (the path the control socket takes), or on the opened
  // data directory when stopped.
  CommandResult Admin(std::vector<std::string> args);
  // A one-time enrollment code for ward/role (REQUIREs success).
  std::string EnrollCode(const std::string& ward, const std::string& role = "officer");

  // Every key/value of the store whose key starts with one of `prefixes`:
  // to prove a refused change-set changed nothing. The default covers what
  // ingest writes (records, change-sets, log, ward log, conflicts, log head)
  // and leaves out devices (their last-contact bookkeeping changes on every
  // connection).
  std::map<std::string, std::string> Dump(const std::vector<std::string>& prefixes = {"rec/", "cs/", "log/", "wlog/",
                                                                                       "conf/", "meta/log_head"});
  // The server's view of every record (live and deleted).
  std::vector<records::RecordState> Records();
  uint64_t LogHead();
  // The stored device (last_seq, last_hash...).
  store::Device Device(const std::string& device_id);

 private:
  ServerFixtureOptions options_;
  TempDir dir_{"server"};
  std::string data_dir_;
  uint16_t port_ = 0;
  std::unique_ptr<server::ServerRuntime> runtime_;
};

}  // namespace wardsync::test
