// A throwaway PostgreSQL cluster for the tests of the PostgreSQL store: initdb
// into a temporary directory owned by the `postgres` user (the suite runs as
// root and PostgreSQL refuses to), pg_ctl start on a free loopback port with
// its socket in that directory, and pg_ctl stop -m fast plus removal of the
// directory at the end. `pg_ctl stop -m immediate` is the crash.
//
// A cluster takes a second or two to make, so a test binary makes one
// (SharedPgCluster) and each test case takes a fresh database in it.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace wardsync::test {

class PgCluster {
 public:
  // Where Debian's PostgreSQL 15 binaries are.
  static constexpr const char* kBinDir = "/usr/lib/postgresql/15/bin";

  // Makes and starts a new cluster; an error says why it could not (e.g.
  // PostgreSQL is not installed).
  static Result<std::unique_ptr<PgCluster>> Start(const std::string& tag = "pg");
  // A hot standby of `primary` (pg_basebackup -R, streaming replication) on
  // a port of its own, started.
  static Result<std::unique_ptr<PgCluster>> StartStandby(PgCluster& primary, const std::string& tag = "pg-standby");
  ~PgCluster();  // stops it and removes its directory

  // On a primary: commits wait until a standby has them (synchronous_standby_names
  // = '*'), once one streams synchronously (waited for, up to 30 s).
  Status RequireSynchronousStandby();
  // On a standby: pg_ctl promote (it becomes a primary).
  Status Promote();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  uint16_t port() const { return port_; }
  const std::string& dir() const { return dir_; }
  std::string data_dir() const { return dir_ + "/data"; }
  // A libpq URL of database `db` on this cluster.
  std::string Url(const std::string& db) const;

  // A new empty database (t1, t2, ...); its URL.
  Result<std::string> CreateDatabase();
  // Ends every session on database `db` (what a restart does to a client:
  // the next statement on any of them fails).
  Status TerminateSessions(const std::string& url_or_db);
  // Runs one SQL statement on database `db`; its first column of the first row.
  Result<std::string> Query(const std::string& db, const std::string& sql);

  // The machine dies: pg_ctl stop -m immediate (no checkpoint, no flush of
  // what was not yet written) ...
  Status Crash();
  // ... and the cluster starts again with what it had made durable.
  Status Restart();
  // A clean stop (pg_ctl stop -m fast).
  Status Stop();

  // Runs one of the cluster's binaries (initdb, pg_ctl, ...) as `postgres`.
  Status RunAsPostgres(const std::string& binary, const std::vector<std::string>& args, std::string* out = nullptr);

 private:
  PgCluster(std::string dir, uint16_t port) : dir_(std::move(dir)), port_(port) {}
  std::string dir_;
  uint16_t port_;
  bool running_ = false;
  int next_db_ = 0;
};

// The one cluster of this test binary, started on first use and stopped at
// exit; nullptr when none can run here, with the reason in *why_not.
PgCluster* SharedPgCluster(std::string* why_not);

// A free TCP port on 127.0.0.1 (free when asked; tests take it at once).
uint16_t FreeLoopbackPort();

}  // namespace wardsync::test

// In a test case: skip it (with a clear warning, and one assertion so ctest's
// --warn NoAssertions does not count it as empty) when PostgreSQL cannot run.
#define WARDSYNC_PG_CLUSTER_OR_SKIP(var)                                                 \
  std::string var##_why_not;                                                             \
  ::wardsync::test::PgCluster* var = ::wardsync::test::SharedPgCluster(&var##_why_not); \
  if (!var) {                                                                            \
    WARN("SKIPPED: PostgreSQL cannot run here: " << var##_why_not);                     \
    SUCCEED("skipped without PostgreSQL");                                               \
    return;                                                                              \
  }
