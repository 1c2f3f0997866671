// The server's side of the storage seam: only the committer's thread writes
// the store (server/store/single_writer_store.h), the data directory's lock
// refuses a second server, and the format stamp is written and checked.
#include <catch2/catch.hpp>

#include <future>
#include <thread>

#include "common/store/dir_lock.h"
#include "common/store/proto_io.h"
#include "common/store/store_format.h"
#include "server/runtime/server_runtime.h"
#include "server/store/server_store.h"
#include "tests/support/server_fixture.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {

ServerFixtureOptions Stopped() {
  ServerFixtureOptions o;
  o.start = false;
  return o;
}

}  // namespace

TEST_CASE("only the committer's thread writes the server store", "[integration][store]") {
  ServerFixture server;
  WriteBatch batch;
  batch.Put("test/planted", "by the committer");
  CHECK(server.WriteAsCommitter(batch).ok());
  std::string v;
  CHECK(server.store().Get("test/planted", &v).ok());
#ifdef NDEBUG
  // A write from any other thread is refused (a debug build asserts instead).
  WriteBatch stray;
  stray.Put("test/stray", "from the test's thread");
  Status s = server.store().Write(stray, true);
  CHECK(s.code() == Status::Code::kInternal);
  CHECK_THAT(s.message(), Catch::Contains("committer"));
  std::thread other([&] { s = server.store().Write(stray, true); });
  other.join();
  CHECK_FALSE(s.ok());
  CHECK(server.store().Get("test/stray", &v).not_found());
#endif
  // Ordinary traffic still writes: an admin command goes through the committer.
  auto r = server.Admin({"enroll", "--ward", "phuong-trung-vuong", "--role", "officer"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
}

TEST_CASE("a running server holds its directory's lock; a second one is refused", "[integration][store]") {
  ServerFixture server;
  auto held = DirLock::TryAcquire(server.data_dir());
  REQUIRE(held.ok());
  CHECK_FALSE(held->has_value());
  server::RuntimeOptions o;
  o.data_dir = server.data_dir();
  auto second = server::ServerRuntime::Start(o);
  REQUIRE_FALSE(second.ok());
  CHECK_THAT(second.status().message(), Catch::Contains("already using"));
  server.Stop();
  auto free = DirLock::TryAcquire(server.data_dir());
  REQUIRE(free.ok());
  CHECK(free->has_value());
}

TEST_CASE("init stamps the store's format; a store of another version is refused by run", "[integration][store]") {
  ServerFixture server(Stopped());
  std::string raw;
  {
    auto lock = DirLock::TryAcquire(server.data_dir());
    REQUIRE(lock.ok());
    REQUIRE(lock->has_value());
    auto s = server::OpenServerStore(**lock, {});
    REQUIRE(s.ok());
    REQUIRE((*s)->store().Get(kStoreFormatKey, &raw).ok());
    store::StoreFormat f;
    REQUIRE(f.ParseFromString(raw));
    CHECK(f.layout() == "wardsync-server");
    CHECK(f.version() == server::kServerStoreVersion);
    CHECK(f.stamped_by() == "init");
    // A store from a future release.
    WriteBatch b;
    b.Put(std::string(kStoreFormatKey),
          EncodeStoreFormat({server::kServerStoreLayout, server::kServerStoreVersion + 1}, "leveldb", "a newer release"));
    REQUIRE((*s)->store().Write(b, true).ok());
  }
  server::RuntimeOptions o;
  o.data_dir = server.data_dir();
  auto rt = server::ServerRuntime::Start(o);
  REQUIRE_FALSE(rt.ok());
  CHECK_THAT(rt.status().message(), Catch::Contains("version 2") && Catch::Contains("version 1"));
  auto cmd = server.Admin({"records"});
  CHECK(cmd.exit_code == 1);
  CHECK_THAT(cmd.err, Catch::Contains("refusing to open"));
}

TEST_CASE("a store made before the format stamp is stamped by its first run, not by a command",
          "[integration][store]") {
  ServerFixture server(Stopped());
  {
    auto lock = DirLock::TryAcquire(server.data_dir());
    REQUIRE(lock.ok());
    REQUIRE(lock->has_value());
    auto s = server::OpenServerStore(**lock, {});
    REQUIRE(s.ok());
    WriteBatch b;
    b.Delete(std::string(kStoreFormatKey));  // as a session-4 store
    REQUIRE((*s)->store().Write(b, true).ok());
  }
  CHECK(server.Admin({"records"}).exit_code == 0);
  auto unstamped = [&] {
    auto lock = DirLock::TryAcquire(server.data_dir());
    REQUIRE(lock.ok());
    REQUIRE(lock->has_value());
    auto s = server::OpenServerStore(**lock, {});
    REQUIRE(s.ok());
    std::string raw;
    return (*s)->store().Get(kStoreFormatKey, &raw).not_found();
  };
  CHECK(unstamped());
  server.Start();
  server.Stop();
  CHECK_FALSE(unstamped());
}
