#include <catch2/catch.hpp>

#include "common/forms/json_text.h"
#include "common/forms/number_text.h"
#include "common/forms/utf8.h"

using wardsync::forms_util::AppendJsonString;
using wardsync::forms_util::FormatDouble;
using wardsync::forms_util::Utf8Length;

namespace {

std::string J(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

}  // namespace

TEST_CASE("JSON strings escape quotes, backslashes and control characters", "[forms]") {
  CHECK(J("") == "\"\"");
  CHECK(J("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(J("line\nnext\ttab\r\b\f") == "\"line\\nnext\\ttab\\r\\b\\f\"");
  CHECK(J(std::string_view("\0\x01\x1f\x7f", 4)) == "\"\\u0000\\u0001\\u001f\\u007f\"");
  CHECK(J("/") == "\"/\"");
}

TEST_CASE("JSON strings keep valid UTF-8 and replace invalid bytes", "[forms]") {
  CHECK(J("Phường Hoàng Văn Thụ") == "\"Phường Hoàng Văn Thụ\"");
  CHECK(J("😀") == "\"😀\"");
  CHECK(J("a\xff" "b") == "\"a\\ufffdb\"");
  CHECK(J("\xC3") == "\"\\ufffd\"");                   // truncated sequence
  CHECK(J("\xE2\x80\xA8") == "\"\\u2028\"");           // line separator breaks JavaScript
  CHECK(J("\xED\xA0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");  // a surrogate is not UTF-8
}

TEST_CASE("UTF-8 length counts Vietnamese letters once", "[forms]") {
  CHECK(Utf8Length("") == 0u);
  CHECK(Utf8Length("Việt Nam") == 8u);
  CHECK(std::string("Việt Nam").size() == 10u);
  CHECK(Utf8Length("Hội nghị cử tri") == 15u);
  CHECK(Utf8Length("😀") == 1u);
  CHECK_FALSE(Utf8Length("\xF4\x90\x80\x80").has_value());  // above U+10FFFF
  CHECK_FALSE(Utf8Length("\xC0\xAF").has_value());           // overlong
  CHECK_FALSE(Utf8Length("\x80").has_value());               // lone continuation
}

TEST_CASE("decimals print in the shortest round-trip form", "[forms]") {
  CHECK(FormatDouble(0.1) == "0.1");
  CHECK(FormatDouble(2.0) == "2");
  CHECK(FormatDouble(-1.25) == "-1.25");
  CHECK(FormatDouble(1e300) == "1e+300");
  CHECK(std::stod(FormatDouble(1.0 / 3)) == 1.0 / 3);
}
