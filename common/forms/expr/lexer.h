// Tokens of the form language. Hand-written: the language has a dozen token
// kinds and no escapes worth a generator.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace wardsync::forms_util::expr {

struct Token {
  enum class Kind { kEnd, kNumber, kString, kName, kOp, kLParen, kRParen, kComma };
  Kind kind = Kind::kEnd;
  std::string text;  // kString: the contents without quotes; kName: "a" or "a.b"
  size_t pos = 0;    // 1-based position of the token's first character
};

// The longest expression text accepted, in bytes: a form definition is data
// from a publisher, and a bound keeps every later step cheap.
inline constexpr size_t kMaxExpressionBytes = 4096;

// Names are [a-z][a-z0-9_]* with at most one '.' part ("group.sub"); the
// words and/or/not/true/false are names here and keywords to the parser.
// Operators: + - * / ( ) , < <= > >= = == != (== is the same as =).
// Errors: "at position N: ...".
Result<std::vector<Token>> Lex(std::string_view text);

}  // namespace wardsync::forms_util::expr
