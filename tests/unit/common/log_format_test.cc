// Log lines in both formats: text as it always was (key=value after the
// message), JSON one object per line with the same fields, strings escaped.
#include <catch2/catch.hpp>

#include "common/util/log.h"
#include "tests/support/json.h"

using namespace wardsync;
using namespace wardsync::test;
using util::LogFormat;

TEST_CASE("a log event in text: message then key=value", "[unit][log]") {
  CHECK(util::FormatLogLine(LogFormat::kText, "2026-11-25T10:00:00.123Z", "sync",
                            {{"device", std::string("d1")}, {"in", uint64_t{3}}, {"ms", int64_t{-2}},
                             {"outcome", std::string("ok")}}) ==
        "2026-11-25T10:00:00.123Z sync device=d1 in=3 ms=-2 outcome=ok");
  CHECK(util::FormatLogLine(LogFormat::kText, "T", "plain text", {}) == "T plain text");
}

TEST_CASE("a log event in JSON: one object, numbers as numbers, strings escaped", "[unit][log]") {
  const std::string nasty = "refused: \"quoted\"\\ back\nnew line\ttab \x01 Phường Hoàng Văn Thụ \xff end";
  const std::string line =
      util::FormatLogLine(LogFormat::kJson, "2026-11-25T10:00:00.123Z", "sync",
                          {{"device", std::string("d1")}, {"in", uint64_t{18446744073709551615u}},
                           {"ms", int64_t{-2}}, {"outcome", nasty}});
  INFO(line);
  CHECK(line.find('\n') == std::string::npos);  // one line, whatever the text holds
  CHECK(line.find("\"in\":18446744073709551615") != std::string::npos);
  const JsonValue v = ParseJson(line);
  CHECK(Str(At(v, "ts")) == "2026-11-25T10:00:00.123Z");
  CHECK(Str(At(v, "msg")) == "sync");
  CHECK(Str(At(v, "device")) == "d1");
  CHECK(Num(At(v, "ms")) == -2);
  // Invalid UTF-8 becomes U+FFFD; everything else comes back as written.
  CHECK(Str(At(v, "outcome")) ==
        "refused: \"quoted\"\\ back\nnew line\ttab \x01 Phường Hoàng Văn Thụ \xEF\xBF\xBD end");
}

TEST_CASE("a plain log line in JSON is its message", "[unit][log]") {
  const JsonValue v = ParseJson(util::FormatLogLine(LogFormat::kJson, "T", "received SIGTERM, stopping", {}));
  CHECK(Str(At(v, "msg")) == "received SIGTERM, stopping");
  CHECK(v.struct_value().fields_size() == 2);
}

TEST_CASE("--log-format takes text or json only", "[unit][log]") {
  LogFormat f = LogFormat::kText;
  CHECK(util::ParseLogFormat("json", &f));
  CHECK(f == LogFormat::kJson);
  CHECK(util::ParseLogFormat("text", &f));
  CHECK(f == LogFormat::kText);
  CHECK_FALSE(util::ParseLogFormat("JSON", &f));
  CHECK_FALSE(util::ParseLogFormat("", &f));
  CHECK(f == LogFormat::kText);
}
