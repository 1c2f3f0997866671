#include "common/forms/rules.h"

namespace wardsync::forms_util {
namespace {

// A tiny hand-written scanner: the grammar has three token kinds, so a
// regex or parser library would be more code to read than this.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  void SkipSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  bool Ident(std::string* out) {
    SkipSpace();
    if (i_ >= s_.size() || s_[i_] < 'a' || s_[i_] > 'z') return false;
    size_t start = i_;
    while (i_ < s_.size() && ((s_[i_] >= 'a' && s_[i_] <= 'z') || (s_[i_] >= '0' && s_[i_] <= '9') || s_[i_] == '_')) {
      ++i_;
    }
    *out = std::string(s_.substr(start, i_ - start));
    return true;
  }
  bool Token(std::string_view t) {
    SkipSpace();
    if (s_.substr(i_, t.size()) != t) return false;
    i_ += t.size();
    return true;
  }
  bool AtEnd() {
    SkipSpace();
    return i_ == s_.size();
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

Result<RuleExpr> ParseRule(std::string_view text) {
  Scanner sc(text);
  RuleExpr rule;
  std::string name;
  bool ok = sc.Ident(&name);
  if (ok) {
    rule.lhs.push_back(name);
    if (sc.Token("+")) {
      ok = sc.Ident(&name);
      rule.lhs.push_back(name);
    }
  }
  ok = ok && sc.Token("<=") && sc.Ident(&rule.rhs) && sc.AtEnd();
  if (!ok) {
    return Status::Invalid("rule \"" + std::string(text) + "\" is not of the form \"a <= b\" or \"a + b <= c\"");
  }
  return rule;
}

}  // namespace wardsync::forms_util
