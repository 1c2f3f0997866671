// common/store/write_batch.h: a batch keeps its ops in LevelDB's encoding;
// every reader sees them through ForEach, in the order they were added,
// with any bytes in keys and values, and Append/move/copy keep that order.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/store/leveldb_store.h"
#include "common/store/write_batch.h"
#include "tests/support/temp_dir.h"

using wardsync::WriteBatch;

namespace {

using Op = std::pair<std::string, std::optional<std::string>>;

std::vector<Op> Ops(const WriteBatch& b) {
  std::vector<Op> out;
  b.ForEach([&](std::string_view key, std::optional<std::string_view> value) {
    out.emplace_back(std::string(key), value ? std::optional<std::string>(std::string(*value)) : std::nullopt);
  });
  return out;
}

}  // namespace

TEST_CASE("write batch: ops come back in order, puts and deletes, any bytes", "[unit][store][write-batch]") {
  WriteBatch b;
  CHECK(b.empty());
  CHECK(Ops(b).empty());
  const std::string binary_key("k\0ey", 4);
  const std::string binary_value("\0\xff\x01", 3);
  b.Put("b", "1");
  b.Put(binary_key, binary_value);
  b.Delete("a");
  b.Put("empty", "");
  b.Put("b", "2");  // a key again: both ops stay, in order
  CHECK(b.size() == 5);
  CHECK(Ops(b) == std::vector<Op>{{"b", "1"}, {binary_key, binary_value}, {"a", std::nullopt}, {"empty", ""}, {"b", "2"}});
  b.Clear();
  CHECK(b.empty());
  CHECK(Ops(b).empty());
}

TEST_CASE("write batch: Append adds the other's ops after, and empties it; move and copy keep the ops",
          "[unit][store][write-batch]") {
  WriteBatch a, b;
  a.Put("a1", "x");
  b.Put("b1", "y");
  b.Delete("b2");
  a.Append(std::move(b));
  CHECK(b.empty());
  CHECK(Ops(b).empty());
  CHECK(a.size() == 3);
  CHECK(Ops(a) == std::vector<Op>{{"a1", "x"}, {"b1", "y"}, {"b2", std::nullopt}});

  WriteBatch empty;
  empty.Append(std::move(a));  // into an empty batch
  CHECK(a.empty());
  CHECK(Ops(empty) == std::vector<Op>{{"a1", "x"}, {"b1", "y"}, {"b2", std::nullopt}});
  empty.Append(WriteBatch());  // nothing to add
  CHECK(empty.size() == 3);

  // Appended by copy, a batch keeps its ops, and can be cleared and reused.
  WriteBatch all, scratch;
  scratch.Put("s", "1");
  all.Append(static_cast<const WriteBatch&>(scratch));
  CHECK(Ops(scratch) == std::vector<Op>{{"s", "1"}});
  scratch.Clear();
  scratch.Put("t", "2");
  all.Append(static_cast<const WriteBatch&>(scratch));
  CHECK(all.size() == 2);
  CHECK(Ops(all) == std::vector<Op>{{"s", "1"}, {"t", "2"}});

  WriteBatch copy = empty;
  copy.Put("c", "z");
  CHECK(empty.size() == 3);
  CHECK(copy.size() == 4);
  WriteBatch moved = std::move(copy);
  CHECK(copy.empty());
  copy.Put("reused", "after a move");  // a moved-from batch is usable
  CHECK(Ops(copy) == std::vector<Op>{{"reused", "after a move"}});
  CHECK(Ops(moved).back() == Op{"c", "z"});
}

TEST_CASE("write batch: LevelDB writes the batch as encoded, the last op of a key winning",
          "[unit][store][write-batch]") {
  wardsync::test::TempDir dir("write-batch");
  auto store = wardsync::LevelDbStore::Open(dir.path() + "/db");
  REQUIRE(store.ok());
  WriteBatch first;
  first.Put("k1", "old");
  first.Put("k2", "gone soon");
  REQUIRE((*store)->Write(first, true).ok());
  WriteBatch b;
  b.Put("k1", "new");
  b.Delete("k2");
  b.Put("k3", "a");
  b.Put("k3", "b");
  REQUIRE((*store)->Write(b, true).ok());
  REQUIRE((*store)->Write(b, true).ok());  // the same batch again: same outcome
  std::string v;
  REQUIRE((*store)->Get("k1", &v).ok());
  CHECK(v == "new");
  CHECK((*store)->Get("k2", &v).not_found());
  REQUIRE((*store)->Get("k3", &v).ok());
  CHECK(v == "b");
  CHECK(Ops(b).size() == 4);  // writing it left the ops as they were
}
