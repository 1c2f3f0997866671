// Escaping and truncating client-supplied text for logs and terminals, the
// per-source log budget, and the terminal stream.
#include <catch2/catch.hpp>

#include <sstream>

#include "common/util/log_limiter.h"
#include "common/util/log_text.h"
#include "common/util/terminal_stream.h"

using namespace wardsync::util;
using namespace std::chrono_literals;

TEST_CASE("Escaped: control codes, C1 controls and bad UTF-8 made visible; Vietnamese kept", "[unit][log]") {
  CHECK(Escaped("Nguyễn Văn An") == "Nguyễn Văn An");
  CHECK(Escaped("a\nb\rc\td\x1b[2J\x07") == "a\\nb\\rc\\td\\e[2J\\x07");
  CHECK(Escaped("x\xc2\x9b" "31m") == "x\\u009b31m");
  CHECK(Escaped("\xff\xc3") == "\\xff\\xc3");
  CHECK(Escaped("a\\b") == "a\\\\b");
  CHECK(Escaped("a\nb\\e", /*keep_lines=*/true) == "a\nb\\e");
  CHECK(Escaped(Escaped("\x1b[1m", true), true) == Escaped("\x1b[1m", true));  // filtering twice changes nothing
}

TEST_CASE("LogText: cut after max bytes, not inside a UTF-8 sequence, with what was left out", "[unit][log]") {
  CHECK(LogText("short") == "short");
  const std::string huge(7 << 20, 'A');
  const std::string t = LogText(huge, 64);
  CHECK(t == std::string(64, 'A') + "...(+" + std::to_string(huge.size() - 64) + " bytes)");
  const std::string viet = "ễễễ";  // 3 bytes each
  CHECK(LogText(viet, 4) == "ễ...(+6 bytes)");
  CHECK(LogText("a\nb", 64) == "a\\nb");
}

TEST_CASE("LogLimiter: a budget per source and window, the drop said once", "[unit][log]") {
  LogLimiter limiter(3, 10s, 2);
  const auto t0 = LogLimiter::Clock::time_point{} + 1h;
  std::optional<std::string> note;
  for (int i = 0; i < 3; ++i) CHECK(limiter.Allow("10.0.0.1", t0, &note));
  CHECK_FALSE(limiter.Allow("10.0.0.1", t0 + 1s, &note));
  CHECK_FALSE(limiter.Allow("10.0.0.1", t0 + 2s, &note));
  CHECK(limiter.Allow("10.0.0.2", t0 + 2s, &note));  // another source has its own budget
  CHECK_FALSE(note);
  CHECK(limiter.Allow("10.0.0.1", t0 + 11s, &note));  // next window
  REQUIRE(note);
  CHECK(note->find("suppressed 2 log line(s) from 10.0.0.1") != std::string::npos);
  // Past max_sources, new sources share one budget.
  note.reset();
  CHECK(limiter.Allow("10.0.0.3", t0 + 12s, &note));
  CHECK(limiter.Allow("10.0.0.4", t0 + 12s, &note));
}

TEST_CASE("TerminalStream: escapes what reaches the terminal, line by line", "[unit][log]") {
  std::ostringstream target;
  {
    TerminalStream out(target);
    out << "candidate: Trần\x1b[2J Bình\n" << 42 << "\n";
    CHECK(target.str() == "candidate: Trần\\e[2J Bình\n42\n");
    out << "no newline\x07";
  }
  CHECK(target.str() == "candidate: Trần\\e[2J Bình\n42\nno newline\\x07");
  CHECK(TextForPerson({"records"}));
  CHECK_FALSE(TextForPerson({"records", "--json"}));
  CHECK_FALSE(TextForPerson({"export", "--form", "f"}));
}
