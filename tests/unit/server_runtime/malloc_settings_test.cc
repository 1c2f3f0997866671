// glibc malloc settings of the server (server/runtime/malloc_settings.h).
#include <catch2/catch.hpp>

#include <malloc.h>

#include <cstdlib>

#include "server/runtime/malloc_settings.h"

using namespace wardsync;

namespace {
// Seen by the compiler as used: a malloc/free pair it can see through is elided.
void* volatile sink = nullptr;
}  // namespace

TEST_CASE("malloc settings: a fixed mmap threshold keeps large blocks off the heap after a larger free",
          "[unit][malloc]") {
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") != nullptr) {
    WARN("not checked: the environment sets MALLOC_MMAP_THRESHOLD_");
    return;
  }
  // Arenas left alone: the setting is process-wide and this is a test binary.
  REQUIRE(server::ApplyMallocSettings({.arenas = 0, .mmap_threshold = 128 << 10, .trim_threshold = 128 << 10}).ok());
  // glibc's dynamic threshold would rise to 1 MiB with this free, and put
  // the next 256 KiB block on the heap, where freed space stays resident.
  sink = std::malloc(1 << 20);
  REQUIRE(sink != nullptr);
  std::free(sink);
  const struct mallinfo2 before = mallinfo2();
  sink = std::malloc(256 << 10);
  REQUIRE(sink != nullptr);
  const struct mallinfo2 during = mallinfo2();
  std::free(sink);
  CHECK(during.hblks == before.hblks + 1);  // its own mapping, returned by free
  CHECK(mallinfo2().hblks == before.hblks);
}
