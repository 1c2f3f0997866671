#include "common/forms/expr/lexer.h"

namespace wardsync::forms_util::expr {
namespace {

bool Lower(char c) { return c >= 'a' && c <= 'z'; }
bool Digit(char c) { return c >= '0' && c <= '9'; }
bool NameChar(char c) { return Lower(c) || Digit(c) || c == '_'; }

Status At(size_t pos, const std::string& what) { return Status::Invalid("at position " + std::to_string(pos) + ": " + what); }

}  // namespace

Result<std::vector<Token>> Lex(std::string_view s) {
  if (s.size() > kMaxExpressionBytes) {
    return Status::Invalid("the expression is " + std::to_string(s.size()) + " bytes long, the maximum is " +
                           std::to_string(kMaxExpressionBytes));
  }
  std::vector<Token> out;
  size_t i = 0;
  while (true) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
    Token t;
    t.pos = i + 1;
    if (i >= s.size()) {
      out.push_back(t);
      return out;
    }
    const char c = s[i];
    if (Digit(c) || (c == '.' && i + 1 < s.size() && Digit(s[i + 1]))) {
      size_t start = i;
      while (i < s.size() && (Digit(s[i]) || s[i] == '.')) ++i;
      if (i < s.size() && (NameChar(s[i]))) return At(t.pos, "a number runs into " + std::string(1, s[i]));
      t.kind = Token::Kind::kNumber;
      t.text = std::string(s.substr(start, i - start));
    } else if (Lower(c)) {
      size_t start = i;
      while (i < s.size() && NameChar(s[i])) ++i;
      if (i < s.size() && s[i] == '.') {
        ++i;
        if (i >= s.size() || !Lower(s[i])) return At(i + 1, "a name must follow '.'");
        while (i < s.size() && NameChar(s[i])) ++i;
        if (i < s.size() && s[i] == '.') return At(i + 1, "a name has at most one '.' (group.sub)");
      }
      t.kind = Token::Kind::kName;
      t.text = std::string(s.substr(start, i - start));
    } else if (c == '\'' || c == '"') {
      size_t end = s.find(c, i + 1);
      if (end == std::string_view::npos) return At(t.pos, "the text is not closed with " + std::string(1, c));
      t.kind = Token::Kind::kString;
      t.text = std::string(s.substr(i + 1, end - i - 1));
      i = end + 1;
    } else if (c == '(' || c == ')' || c == ',') {
      t.kind = c == '(' ? Token::Kind::kLParen : c == ')' ? Token::Kind::kRParen : Token::Kind::kComma;
      t.text = std::string(1, c);
      ++i;
    } else if (c == '+' || c == '-' || c == '*' || c == '/') {
      t.kind = Token::Kind::kOp;
      t.text = std::string(1, c);
      ++i;
    } else if (c == '<' || c == '>' || c == '=' || c == '!') {
      const bool eq = i + 1 < s.size() && s[i + 1] == '=';
      if (c == '!' && !eq) return At(t.pos, "'!' must be followed by '=' (use not for negation)");
      t.kind = Token::Kind::kOp;
      t.text = eq ? (c == '=' ? "=" : std::string(1, c) + "=") : std::string(1, c);
      i += eq ? 2 : 1;
    } else {
      const unsigned char u = static_cast<unsigned char>(c);
      return At(t.pos, u >= 0x20 && u < 0x7f ? "unexpected character '" + std::string(1, c) + "'"
                                             : "unexpected byte " + std::to_string(u));
    }
    out.push_back(std::move(t));
  }
}

}  // namespace wardsync::forms_util::expr
