// A store's value of a key in a test: nullopt when it has none; any other
// error fails the test.
#pragma once
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "common/store/kv_store.h"

namespace wardsync::test {

inline std::optional<std::string> Read(KvReader& r, const std::string& key) {
  std::string v;
  Status s = r.Get(key, &v);
  if (s.not_found()) return std::nullopt;
  REQUIRE(s.ok());
  return v;
}

}  // namespace wardsync::test
