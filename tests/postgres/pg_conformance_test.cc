// The store conformance suite (tests/unit/store/store_conformance.h) on the
// PostgreSQL store, in a database of its own per test case on this binary's
// throwaway cluster (tests/support/pg_cluster.h).
#include <catch2/catch.hpp>

#include "common/store/store_factory.h"
#include "server/store/pg/pg_store.h"
#include "tests/support/pg_cluster.h"

namespace {

using namespace wardsync;

struct PgEngine {
  static constexpr const char* kName = "postgresql";
  static std::string WhyNotAvailable() {
    std::string why;
    return test::SharedPgCluster(&why) ? "" : why;
  }
  PgEngine() {
    std::string why;
    cluster = test::SharedPgCluster(&why);
    REQUIRE(cluster);
    auto u = cluster->CreateDatabase();
    INFO(u.status().message());
    REQUIRE(u.ok());
    url = *u;
  }
  StoreOptions Options() {
    StoreOptions o;
    o.url = url;
    o.create_if_missing = true;
    o.postgresql = pg::PgOpener({});  // as the server opens it (server/store/server_store.cc)
    return o;
  }
  // The machine dies: the cluster stops without a checkpoint ...
  void PowerOff() { REQUIRE(cluster->Crash().ok()); }
  // ... and starts again with what its WAL had made durable.
  void PowerOn() { REQUIRE(cluster->Restart().ok()); }
  // The database goes away under the store: every session of it is ended,
  // so the next write fails (and the store must refuse writes after it).
  void FailWrites() { REQUIRE(cluster->TerminateSessions(url).ok()); }
  void HealDisk() {}  // the database is fine again at once

  test::PgCluster* cluster = nullptr;
  std::string url;
};

}  // namespace

#define STORE_ENGINES PgEngine
#include "tests/unit/store/store_conformance.h"
