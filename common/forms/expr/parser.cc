#include "common/forms/expr/parser.h"

#include <vector>

#include "common/forms/expr/lexer.h"
#include "common/forms/number_text.h"

namespace wardsync::forms_util::expr {
namespace {

using K = Token::Kind;

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  Result<std::unique_ptr<Node>> Run() {
    auto root = Or();
    if (!root.ok()) return root;
    if (Peek().kind != K::kEnd) return At(Peek(), "unexpected " + Describe(Peek()));
    return root;
  }

 private:
  const Token& Peek() const { return t_[i_]; }
  bool IsOp(std::string_view op) const { return Peek().kind == K::kOp && Peek().text == op; }
  bool IsWord(std::string_view w) const { return Peek().kind == K::kName && Peek().text == w; }

  static std::string Describe(const Token& t) {
    switch (t.kind) {
      case K::kEnd: return "end of the expression";
      case K::kString: return "text '" + t.text + "'";
      default: return "'" + t.text + "'";
    }
  }
  static Status At(const Token& t, const std::string& what) {
    return Status::Invalid("at position " + std::to_string(t.pos) + ": " + what);
  }

  std::unique_ptr<Node> Make(Node::Kind kind, const Token& t) {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->pos = t.pos;
    return n;
  }

  Result<std::unique_ptr<Node>> Binary(const Token& t, std::string op, std::unique_ptr<Node> l, std::unique_ptr<Node> r) {
    auto n = Make(Node::Kind::kBinary, t);
    n->op = std::move(op);
    n->args.push_back(std::move(l));
    n->args.push_back(std::move(r));
    return n;
  }

  // A guard per recursive step: every path through the grammar that can
  // nest passes through Enter.
  Status Enter(const Token& t) {
    if (++depth_ > kMaxDepth) return At(t, "nested more than " + std::to_string(kMaxDepth) + " levels deep");
    return Status::Ok();
  }

  Result<std::unique_ptr<Node>> Or() {
    WS_RETURN_IF_ERROR(Enter(Peek()));
    auto l = And();
    while (l.ok() && IsWord("or")) {
      const Token op = t_[i_++];
      auto r = And();
      if (!r.ok()) return r;
      l = Binary(op, "or", std::move(l).value(), std::move(r).value());
    }
    --depth_;
    return l;
  }

  Result<std::unique_ptr<Node>> And() {
    auto l = Not();
    while (l.ok() && IsWord("and")) {
      const Token op = t_[i_++];
      auto r = Not();
      if (!r.ok()) return r;
      l = Binary(op, "and", std::move(l).value(), std::move(r).value());
    }
    return l;
  }

  Result<std::unique_ptr<Node>> Not() {
    if (!IsWord("not")) return Compare();
    const Token op = t_[i_++];
    WS_RETURN_IF_ERROR(Enter(op));
    auto inner = Not();
    --depth_;
    if (!inner.ok()) return inner;
    auto n = Make(Node::Kind::kUnary, op);
    n->op = "not";
    n->args.push_back(std::move(inner).value());
    return n;
  }

  Result<std::unique_ptr<Node>> Compare() {
    auto l = Sum();
    if (!l.ok()) return l;
    static const char* kOps[] = {"<", "<=", ">", ">=", "=", "!="};
    for (const char* op : kOps) {
      if (!IsOp(op)) continue;
      const Token t = t_[i_++];
      auto r = Sum();
      if (!r.ok()) return r;
      for (const char* again : kOps) {
        if (IsOp(again)) return At(Peek(), "comparisons do not chain; join them with and");
      }
      return Binary(t, op, std::move(l).value(), std::move(r).value());
    }
    return l;
  }

  Result<std::unique_ptr<Node>> Sum() {
    auto l = Product();
    while (l.ok() && (IsOp("+") || IsOp("-"))) {
      const Token op = t_[i_++];
      auto r = Product();
      if (!r.ok()) return r;
      l = Binary(op, op.text, std::move(l).value(), std::move(r).value());
    }
    return l;
  }

  Result<std::unique_ptr<Node>> Product() {
    auto l = Unary();
    while (l.ok() && (IsOp("*") || IsOp("/"))) {
      const Token op = t_[i_++];
      auto r = Unary();
      if (!r.ok()) return r;
      l = Binary(op, op.text, std::move(l).value(), std::move(r).value());
    }
    return l;
  }

  Result<std::unique_ptr<Node>> Unary() {
    if (!IsOp("-")) return Primary();
    const Token op = t_[i_++];
    WS_RETURN_IF_ERROR(Enter(op));
    auto inner = Unary();
    --depth_;
    if (!inner.ok()) return inner;
    auto n = Make(Node::Kind::kUnary, op);
    n->op = "-";
    n->args.push_back(std::move(inner).value());
    return n;
  }

  Result<std::unique_ptr<Node>> Primary() {
    const Token t = Peek();
    switch (t.kind) {
      case K::kNumber: {
        ++i_;
        if (t.text.find('.') == std::string::npos) {
          auto v = ParseInt64(t.text);
          if (!v) return At(t, "the number " + t.text + " is too large (integers are 64-bit)");
          auto n = Make(Node::Kind::kInteger, t);
          n->ival = *v;
          return n;
        }
        auto d = ParseFiniteDouble(t.text);
        if (!d) return At(t, "\"" + t.text + "\" is not a number");
        auto n = Make(Node::Kind::kDecimal, t);
        n->dval = *d;
        return n;
      }
      case K::kString: {
        ++i_;
        auto n = Make(Node::Kind::kString, t);
        n->sval = t.text;
        return n;
      }
      case K::kLParen: {
        ++i_;
        auto inner = Or();
        if (!inner.ok()) return inner;
        if (Peek().kind != K::kRParen) return At(Peek(), "expected ')', got " + Describe(Peek()));
        ++i_;
        return inner;
      }
      case K::kName: return NameOrCall();
      default: return At(t, "expected a value, got " + Describe(t));
    }
  }

  Result<std::unique_ptr<Node>> NameOrCall() {
    const Token t = t_[i_++];
    if (t.text == "true" || t.text == "false") {
      auto n = Make(Node::Kind::kBoolean, t);
      n->bval = t.text == "true";
      return n;
    }
    if (t.text == "and" || t.text == "or" || t.text == "not") return At(t, "expected a value, got '" + t.text + "'");
    if (Peek().kind != K::kLParen) {
      auto n = Make(Node::Kind::kField, t);
      n->name = t.text;
      return n;
    }
    const Token open = t_[i_++];
    WS_RETURN_IF_ERROR(Enter(open));
    auto n = Make(Node::Kind::kCall, t);
    n->op = t.text;
    if (Peek().kind != K::kRParen) {
      while (true) {
        auto arg = Or();
        if (!arg.ok()) return arg;
        n->args.push_back(std::move(arg).value());
        if (Peek().kind == K::kComma) {
          ++i_;
          continue;
        }
        break;
      }
    }
    if (Peek().kind != K::kRParen) return At(Peek(), "expected ',' or ')', got " + Describe(Peek()));
    ++i_;
    --depth_;
    return n;
  }

  std::vector<Token> t_;
  size_t i_ = 0;
  int depth_ = 0;
};

}  // namespace

Result<std::unique_ptr<Node>> Parse(std::string_view text) {
  auto tokens = Lex(text);
  if (!tokens.ok()) return tokens.status();
  if (tokens->size() == 1) return Status::Invalid("the expression is empty");
  return Parser(std::move(tokens).value()).Run();
}

}  // namespace wardsync::forms_util::expr
