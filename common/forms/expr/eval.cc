#include "common/forms/expr/eval.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/forms/calendar_date.h"
#include "common/forms/number_text.h"

namespace wardsync::forms_util::expr {
namespace {

using K = Val::Kind;
using wardsync::changes::Value;
using wardsync::forms::FieldDef;

Val Bool(bool b) {
  Val v;
  v.kind = K::kBoolean;
  v.b = b;
  return v;
}
Val Int(int64_t i) {
  Val v;
  v.kind = K::kInteger;
  v.i = i;
  return v;
}
Val Dec(double d) {
  Val v;
  v.kind = K::kDecimal;
  v.d = d;
  return v;
}
double AsDouble(const Val& v) { return v.kind == K::kInteger ? static_cast<double>(v.i) : v.d; }

// An empty number field that cannot be negative: unknown, at least 0.
Val EmptyNumber(const FieldDef& f) {
  Val v;
  if (f.has_min() && f.min() >= 0) {
    v.bounded = true;
    v.bound_decimal = f.type() == FieldDef::DECIMAL;
  }
  return v;
}

// The lower bound of a number (the value itself when known).
bool Bound(const Val& v, bool* dec, int64_t* i, double* d) {
  if (v.kind == K::kInteger) {
    *dec = false;
    *i = v.i;
    return true;
  }
  if (v.kind == K::kDecimal) {
    *dec = true;
    *d = v.d;
    return true;
  }
  if (!v.bounded) return false;
  *dec = v.bound_decimal;
  *i = v.i;
  *d = v.d;
  return true;
}

// a + b for lower bounds: saturating (a bound that low is still a bound).
Val AddBounds(const Val& a, const Val& b) {
  bool da, db;
  int64_t ia = 0, ib = 0;
  double fa = 0, fb = 0;
  Val out;
  if (!Bound(a, &da, &ia, &fa) || !Bound(b, &db, &ib, &fb)) return out;
  out.bounded = true;
  out.partial = a.known() || b.known() || a.partial || b.partial;
  if (!da && !db) {
    int64_t s;
    out.i = __builtin_add_overflow(ia, ib, &s) ? (ia > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min()) : s;
    return out;
  }
  out.bound_decimal = true;
  out.d = (da ? fa : static_cast<double>(ia)) + (db ? fb : static_cast<double>(ib));
  return out;
}

// -1, 0, 1 for a < b, a == b, a > b, exact for two integers.
int CompareNumbers(bool da, int64_t ia, double fa, bool db, int64_t ib, double fb) {
  if (!da && !db) return ia < ib ? -1 : ia > ib ? 1 : 0;
  const long double a = da ? fa : static_cast<long double>(ia);
  const long double b = db ? fb : static_cast<long double>(ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

bool Holds(const std::string& op, int c) {
  if (op == "<") return c < 0;
  if (op == "<=") return c <= 0;
  if (op == ">") return c > 0;
  if (op == ">=") return c >= 0;
  if (op == "=") return c == 0;
  return c != 0;
}

class Evaluator {
 public:
  Evaluator(const Expr& e, const RecordView& r, const RowView* row, const ComputedLookup& c)
      : expr_(e), record_(r), row_(row), computed_(c) {}

  Result<Val> Eval(const Node& n) {
    switch (n.kind) {
      case Node::Kind::kInteger: return Int(n.ival);
      case Node::Kind::kDecimal: return Dec(n.dval);
      case Node::Kind::kBoolean: return Bool(n.bval);
      case Node::Kind::kString: {
        Val v;
        v.kind = K::kText;
        v.s = n.sval;
        return v;
      }
      case Node::Kind::kField: return Field(n, row_);
      case Node::Kind::kUnary: return Unary(n);
      case Node::Kind::kBinary: return Binary(n);
      case Node::Kind::kCall: return Call(n);
    }
    return Status::Internal("unknown node");
  }

 private:
  Status Error(const Node& n, const std::string& what) const {
    return Status::Invalid(what + " at position " + std::to_string(n.pos) + " of \"" + expr_.text + "\"");
  }

  Result<Val> Field(const Node& n, const RowView* row) {
    const FieldDef& f = *n.field;
    if (!f.compute().empty() && computed_) return computed_(f, n.group != nullptr ? row : nullptr);
    const Value* v = nullptr;
    if (n.group == nullptr) {
      v = record_.Top(f.name());
    } else if (row != nullptr) {
      auto it = row->values.find(f.name());
      if (it != row->values.end()) v = it->second;
    }
    if (v == nullptr && (f.type() == FieldDef::INTEGER || f.type() == FieldDef::DECIMAL)) return EmptyNumber(f);
    return FromValue(v);
  }

  Result<Val> Unary(const Node& n) {
    auto a = Eval(*n.args[0]);
    if (!a.ok() || !a->known()) return a.ok() ? Val() : a;
    if (n.op == "not") return Bool(!a->b);
    if (a->kind == K::kInteger) {
      if (a->i == std::numeric_limits<int64_t>::min()) return Error(n, "overflow: -(" + std::to_string(a->i) + ")");
      return Int(-a->i);
    }
    return Dec(-a->d);
  }

  Result<Val> Arith(const Node& n, const Val& a, const Val& b) {
    if (!a.known() || !b.known()) return n.op == "+" ? AddBounds(a, b) : Val();
    if (n.op == "/") {
      if (AsDouble(b) == 0) return Error(n, "division by zero");
      const double q = AsDouble(a) / AsDouble(b);
      if (!std::isfinite(q)) return Error(n, "overflow: the quotient is too large");
      return Dec(q);
    }
    if (a.kind == K::kInteger && b.kind == K::kInteger) {
      int64_t r;
      bool over = n.op == "+" ? __builtin_add_overflow(a.i, b.i, &r)
                  : n.op == "-" ? __builtin_sub_overflow(a.i, b.i, &r)
                                : __builtin_mul_overflow(a.i, b.i, &r);
      if (over) {
        return Error(n, "overflow: " + std::to_string(a.i) + " " + n.op + " " + std::to_string(b.i) +
                            " is beyond the 64-bit integer range");
      }
      return Int(r);
    }
    const double x = AsDouble(a), y = AsDouble(b);
    const double r = n.op == "+" ? x + y : n.op == "-" ? x - y : x * y;
    if (!std::isfinite(r)) return Error(n, "overflow: " + ShowVal(a) + " " + n.op + " " + ShowVal(b) + " is too large");
    return Dec(r);
  }

  // date + days, days + date, date - days: a date; date - date: days.
  // Past 0001-01-01 .. 9999-12-31 (or past 64 bits on the way there) is an
  // evaluation error: a DATE value has four-digit years only.
  Result<Val> DateArith(const Node& n, const Val& a, const Val& b) {
    if (!a.known() || !b.known()) return Val();
    if (a.kind != K::kInteger && b.kind != K::kInteger) {  // date - date (the checker allows nothing else)
      const auto first = DayNumber(a.s), second = DayNumber(b.s);
      if (!first || !second) return Error(n, "'" + (first ? b.s : a.s) + "' is not a date YYYY-MM-DD");
      return Int(*first - *second);
    }
    const bool date_first = a.kind != K::kInteger;
    const Val& date = date_first ? a : b;
    const Val& other = date_first ? b : a;
    const auto day = DayNumber(date.s);
    if (!day) return Error(n, "'" + date.s + "' is not a date YYYY-MM-DD");
    int64_t result;
    const bool over = n.op == "+" ? __builtin_add_overflow(*day, other.i, &result) : __builtin_sub_overflow(*day, other.i, &result);
    const auto text = over ? std::nullopt : DateOfDay(result);
    if (!text) {
      return Error(n, "date out of range: " + (date_first ? "'" + date.s + "' " + n.op + " " + std::to_string(other.i)
                                                          : std::to_string(other.i) + " + '" + date.s + "'") +
                          " days is outside the years 0001-9999");
    }
    Val v;
    v.kind = K::kText;
    v.s = *text;
    return v;
  }

  Result<Val> Compare(const Node& n, const Val& a, const Val& b) {
    if (a.known() && b.known()) {
      if ((a.kind == K::kInteger || a.kind == K::kDecimal) && (b.kind == K::kInteger || b.kind == K::kDecimal)) {
        return Bool(Holds(n.op, CompareNumbers(a.kind == K::kDecimal, a.i, a.d, b.kind == K::kDecimal, b.i, b.d)));
      }
      if (a.kind == K::kBoolean) return Bool(Holds(n.op, a.b == b.b ? 0 : 1));
      return Bool(Holds(n.op, a.s.compare(b.s) < 0 ? -1 : a.s == b.s ? 0 : 1));
    }
    // One side unknown but at least a lower bound that already exceeds a
    // known other side: the comparison fails whatever the rest will hold.
    bool dl, dr;
    int64_t il = 0, ir = 0;
    double fl = 0, fr = 0;
    const bool less = n.op == "<" || n.op == "<=" || n.op == "=";
    const bool more = n.op == ">" || n.op == ">=" || n.op == "=";
    if (less && !a.known() && a.partial && b.known() && Bound(a, &dl, &il, &fl) && Bound(b, &dr, &ir, &fr)) {
      const int c = CompareNumbers(dl, il, fl, dr, ir, fr);
      if (c > 0 || (c == 0 && n.op == "<")) return Bool(false);
    }
    if (more && !b.known() && b.partial && a.known() && Bound(a, &dl, &il, &fl) && Bound(b, &dr, &ir, &fr)) {
      const int c = CompareNumbers(dr, ir, fr, dl, il, fl);
      if (c > 0 || (c == 0 && n.op == ">")) return Bool(false);
    }
    return Val();
  }

  Result<Val> Binary(const Node& n) {
    auto a = Eval(*n.args[0]);
    if (!a.ok()) return a;
    if (n.op == "and" && a->known() && !a->b) return Bool(false);
    if (n.op == "or" && a->known() && a->b) return Bool(true);
    auto b = Eval(*n.args[1]);
    if (!b.ok()) return b;
    if (n.op == "and" || n.op == "or") {
      if (!b->known()) return Val();
      if (n.op == "and" && !b->b) return Bool(false);
      if (n.op == "or" && b->b) return Bool(true);
      return a->known() ? *b : Val();
    }
    if ((n.op == "+" || n.op == "-") && (n.args[0]->type == Type::kDate || n.args[1]->type == Type::kDate)) {
      return DateArith(n, *a, *b);
    }
    if (n.op == "+" || n.op == "-" || n.op == "*" || n.op == "/") return Arith(n, *a, *b);
    return Compare(n, *a, *b);
  }

  Result<Val> Call(const Node& n) {
    const Node& a = *n.args[0];
    if (n.op == "if") {  // only the branch taken is evaluated: if(x != 0, y / x, 0) never divides by zero
      auto c = Eval(a);
      if (!c.ok() || !c->known()) return c.ok() ? Val() : c;
      return Eval(*n.args[c->b ? 1 : 2]);
    }
    if (n.op == "count") return Int(static_cast<int64_t>(record_.Rows(a.name).size()));
    if (n.op == "selected") {
      auto f = Eval(a);
      if (!f.ok()) return f;
      const std::string& want = n.args[1]->sval;
      if (f->kind == K::kChoices) {
        return Bool(std::find(f->choices->values().begin(), f->choices->values().end(), want) != f->choices->values().end());
      }
      return Bool(f->known() && f->s == want);
    }
    // sum(group.sub) over the live rows.
    Node plus;
    plus.op = "+";
    plus.pos = n.pos;
    Val total = a.type == Type::kDecimal ? Dec(0) : Int(0);
    for (const RowView& row : record_.Rows(a.group->name())) {
      auto v = Field(a, &row);
      if (!v.ok()) return v;
      auto s = Arith(plus, total, *v);
      if (!s.ok()) return Error(n, "overflow: the sum of " + a.name + " is beyond the 64-bit integer range");
      total = *s;
    }
    return total;
  }

  const Expr& expr_;
  const RecordView& record_;
  const RowView* row_;
  const ComputedLookup& computed_;
};

}  // namespace

Val FromValue(const Value* value) {
  Val v;
  if (value == nullptr) return v;
  switch (value->kind_case()) {
    case Value::kInteger: return Int(value->integer());
    case Value::kDecimal: return Dec(value->decimal());
    case Value::kBoolean: return Bool(value->boolean());
    case Value::kText: v.s = value->text(); break;
    case Value::kDate: v.s = value->date(); break;
    case Value::kTime: v.s = value->time(); break;
    case Value::kChoice: v.s = value->choice(); break;
    case Value::kChoices:
      v.kind = K::kChoices;
      v.choices = &value->choices();
      return v;
    default: return v;
  }
  v.kind = K::kText;
  return v;
}

std::optional<Value> ToValue(const Val& v, const FieldDef& field) {
  if (!v.known()) return std::nullopt;
  Value out;
  switch (field.type()) {
    case FieldDef::INTEGER:
      if (v.kind != K::kInteger) return std::nullopt;
      out.set_integer(v.i);
      break;
    case FieldDef::DECIMAL: out.set_decimal(AsDouble(v)); break;
    case FieldDef::BOOLEAN: out.set_boolean(v.b); break;
    case FieldDef::TEXT: out.set_text(v.s); break;
    case FieldDef::DATE: out.set_date(v.s); break;
    case FieldDef::TIME: out.set_time(v.s); break;
    case FieldDef::SINGLE_CHOICE: out.set_choice(v.s); break;
    default: return std::nullopt;
  }
  return out;
}

std::string ShowVal(const Val& v) {
  switch (v.kind) {
    case K::kInteger: return std::to_string(v.i);
    case K::kDecimal: return FormatDouble(v.d);
    case K::kBoolean: return v.b ? "true" : "false";
    case K::kText: return "'" + v.s + "'";
    case K::kChoices: {
      std::string out;
      for (const auto& c : v.choices->values()) out += (out.empty() ? "" : ",") + c;
      return "'" + out + "'";
    }
    default: return "(empty)";
  }
}

Result<Val> Evaluate(const Expr& expr, const RecordView& record, const RowView* row, const ComputedLookup& computed) {
  return Evaluator(expr, record, row, computed).Eval(*expr.root);
}

}  // namespace wardsync::forms_util::expr
