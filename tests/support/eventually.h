// Waiting for a condition that has no event to wait on (a file appearing, a
// counter reaching a value in another process): poll it until a deadline.
// Never use a bare sleep as synchronisation; use this, with a generous
// timeout, so a slow machine only makes the test slower, never flaky.
#pragma once
#include <chrono>
#include <functional>

namespace wardsync::test {

// Calls pred until it returns true (-> true) or timeout passes (-> false).
// pred is always called at least once, and once more after the deadline.
bool Eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout = std::chrono::seconds(10),
                std::chrono::milliseconds interval = std::chrono::milliseconds(10));

}  // namespace wardsync::test
