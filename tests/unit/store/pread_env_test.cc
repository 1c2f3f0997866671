// LevelDB tables read with pread instead of mapped (common/store/pread_env.h):
// the server's setting, so that table pages stay out of its RSS.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "common/store/leveldb_store.h"
#include "tests/support/temp_dir.h"

namespace {

using namespace wardsync;

// Table files (*.ldb) of `dir` mapped into this process now.
int MappedTables(const std::string& dir) {
  std::ifstream maps("/proc/self/maps");
  int n = 0;
  for (std::string line; std::getline(maps, line);) {
    if (line.find(dir) != std::string::npos && line.find(".ldb") != std::string::npos) ++n;
  }
  return n;
}

std::string Key(int i) { return "k" + std::to_string(100000 + i); }
std::string Value(int i) { return std::string(1000, static_cast<char>('a' + i % 26)) + std::to_string(i); }

// Reads every key back, by Get and by a scan.
void ReadAll(LevelDbStore& s, int n) {
  for (int i = 0; i < n; i += 7) {
    std::string v;
    REQUIRE(s.Get(Key(i), &v).ok());
    CHECK(v == Value(i));
  }
  int seen = 0;
  for (auto it = s.Scan("k"); it->Valid(); it->Next()) ++seen;
  CHECK(seen == n);
}

}  // namespace

TEST_CASE("LevelDB tables read with pread: every value comes back, no table is mapped", "[unit][store]") {
  test::TempDir dir("pread");
  const std::string db = dir.path() + "/db";
  constexpr int kKeys = 3000;
  {
    // A small write buffer: the 3 MB written end up in several tables.
    auto s = LevelDbStore::Open(db, {.write_buffer_bytes = 64 << 10, .mmap_tables = false});
    REQUIRE(s.ok());
    for (int i = 0; i < kKeys; i += 100) {
      WriteBatch b;
      for (int j = i; j < i + 100; ++j) b.Put(Key(j), Value(j));
      REQUIRE((*s)->Write(b, false).ok());
    }
  }
  {
    auto s = LevelDbStore::Open(db, {.mmap_tables = false});
    REQUIRE(s.ok());
    ReadAll(**s, kKeys);
    CHECK(MappedTables(db) == 0);
  }
  // LevelDB's default maps them: what the check above would see.
  auto mapped = LevelDbStore::Open(db);
  REQUIRE(mapped.ok());
  ReadAll(**mapped, kKeys);
  CHECK(MappedTables(db) > 0);
}
