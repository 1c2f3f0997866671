// The store conformance suite (store_conformance.h) on LevelDB, and the
// factory's choice of engine.
#include <catch2/catch.hpp>

#include "common/store/store_factory.h"
#include "common/util/files.h"
#include "tests/support/fault_env.h"
#include "tests/support/temp_dir.h"

namespace {

using namespace wardsync;

// LevelDB under a fault-injecting Env: a crash keeps exactly what was synced.
struct LevelDbEngine {
  static constexpr const char* kName = "leveldb";
  static std::string WhyNotAvailable() { return ""; }  // always built in
  test::FaultEnv env;
  StoreOptions Options() {
    StoreOptions o;
    o.url = "leveldb:";
    o.create_if_missing = true;
    o.leveldb.env = &env;
    return o;
  }
  // The machine dies now (call before closing the store) ...
  void PowerOff() { env.PowerOff(); }
  // ... and comes back with what was durable (call after closing it).
  void PowerOn() { REQUIRE(env.DropUnsyncedData().ok()); }
  // The disk fills up: the next write fails.
  void FailWrites() { env.FailAppendsAfter(0); }
  void HealDisk() { env.ClearFaults(); }
};

}  // namespace

#define STORE_ENGINES LevelDbEngine
#include "tests/unit/store/store_conformance.h"

TEST_CASE("store factory: the url names the engine; others are refused by name", "[unit][store]") {
  auto engine = [](const std::string& url) {
    auto e = StoreEngine(url);
    return e.ok() ? *e : "error: " + e.status().message();
  };
  CHECK(engine("") == "leveldb");
  CHECK(engine("leveldb:") == "leveldb");
  CHECK(engine("postgresql://localhost/wardsync") == "postgresql");
  CHECK(engine("postgres://u@h:5432/db") == "postgresql");
  auto other = StoreEngine("sqlite://me:secret@x/db");
  REQUIRE_FALSE(other.ok());
  CHECK_THAT(other.status().message(), Catch::Contains("unknown store") && Catch::Contains("postgresql://"));
  CHECK_THAT(other.status().message(), !Catch::Contains("secret"));  // a password is never shown
}

TEST_CASE("store factory: without the server's PostgreSQL engine a postgresql:// store is refused by name",
          "[unit][store]") {
  // The ward client links no PostgreSQL client: its StoreOptions carry no
  // postgresql opener, and such a url must say so, not fail obscurely.
  test::TempDir dir;
  auto l = DirLock::TryAcquire(dir.path());
  REQUIRE(l.ok());
  REQUIRE(l->has_value());
  StoreOptions o;
  o.url = "postgresql://ws:secret@db1:5432/wardsync";
  o.create_if_missing = true;
  auto s = OpenStore(**l, o);
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.status().message(), Catch::Contains("only wardsync-server") && Catch::Contains("PostgreSQL"));
  CHECK_THAT(s.status().message(), !Catch::Contains("secret"));
  CHECK_FALSE(util::Exists(dir.path() + "/db"));  // nothing was made instead
}
