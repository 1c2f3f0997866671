#include "common/forms/expr/check.h"

#include <algorithm>

#include "common/forms/calendar_date.h"
#include "common/forms/expr/parser.h"
#include "common/forms/time_of_day.h"

namespace wardsync::forms_util::expr {
namespace {

using wardsync::forms::FieldDef;
using wardsync::forms::FormDef;

bool Numeric(Type t) { return t == Type::kInteger || t == Type::kDecimal; }

Status At(const Node& n, const std::string& what) {
  return Status::Invalid("at position " + std::to_string(n.pos) + ": " + what);
}

const FieldDef* FindIn(const google::protobuf::RepeatedPtrField<FieldDef>& fields, std::string_view name) {
  for (const auto& f : fields) {
    if (f.name() == name) return &f;
  }
  return nullptr;
}

class Checker {
 public:
  Checker(const FormDef& form, const FieldDef* row_group, Expr& out) : form_(form), out_(out) { out_.row_group = row_group; }

  Status Visit(Node& n, bool in_aggregate) {
    switch (n.kind) {
      case Node::Kind::kInteger: n.type = Type::kInteger; return Status::Ok();
      case Node::Kind::kDecimal: n.type = Type::kDecimal; return Status::Ok();
      case Node::Kind::kString: n.type = Type::kText; return Status::Ok();
      case Node::Kind::kBoolean: n.type = Type::kBoolean; return Status::Ok();
      case Node::Kind::kField: return Field(n, in_aggregate);
      case Node::Kind::kUnary: return Unary(n);
      case Node::Kind::kBinary: return Binary(n);
      case Node::Kind::kCall: return Call(n);
    }
    return At(n, "unknown node");
  }

 private:
  void Note(const std::string& name) {
    if (std::find(out_.names.begin(), out_.names.end(), name) == out_.names.end()) out_.names.push_back(name);
  }

  Status Field(Node& n, bool in_aggregate) {
    const size_t dot = n.name.find('.');
    if (dot == std::string::npos) {
      const FieldDef* f = FindIn(form_.fields(), n.name);
      if (f == nullptr) return At(n, "unknown field \"" + n.name + "\"");
      n.field = f;
      n.type = FieldType(*f);
      if (n.type == Type::kUnknown) return At(n, "field \"" + n.name + "\" cannot be used in expressions");
      if (n.type == Type::kGroup && !in_aggregate) {
        return At(n, "\"" + n.name + "\" is a repeat group: use count(" + n.name + ") or sum(" + n.name + ".field)");
      }
      Note(n.name);
      return Status::Ok();
    }
    const std::string group = n.name.substr(0, dot), sub = n.name.substr(dot + 1);
    const FieldDef* g = FindIn(form_.fields(), group);
    if (g == nullptr) return At(n, "unknown field \"" + group + "\"");
    if (g->type() != FieldDef::GROUP) return At(n, "\"" + group + "\" is not a repeat group, so \"" + n.name + "\" names nothing");
    const FieldDef* f = FindIn(g->fields(), sub);
    if (f == nullptr) return At(n, "repeat group \"" + group + "\" has no field \"" + sub + "\"");
    n.field = f;
    n.group = g;
    n.type = FieldType(*f);
    if (n.type == Type::kUnknown || n.type == Type::kGroup) return At(n, "field \"" + n.name + "\" cannot be used in expressions");
    if (!in_aggregate) {
      if (out_.row_group != nullptr && out_.row_group != g) {
        return At(n, "\"" + n.name + "\" is a row of group \"" + group + "\" but the expression is already about the rows of \"" +
                         out_.row_group->name() + "\"");
      }
      out_.row_group = g;
    }
    Note(n.name);
    return Status::Ok();
  }

  Status Unary(Node& n) {
    WS_RETURN_IF_ERROR(Visit(*n.args[0], false));
    const Type t = n.args[0]->type;
    if (n.op == "not") {
      if (t != Type::kBoolean) return At(n, std::string("not takes true/false, got ") + TypeName(t));
      n.type = Type::kBoolean;
    } else {
      if (!Numeric(t)) return At(n, std::string("'-' takes a number, got ") + TypeName(t));
      n.type = t;
    }
    return Status::Ok();
  }

  // A text literal compared with a date, time or choice must be one.
  Status Literal(const Node& lit, Type other, const FieldDef* field) {
    if (lit.kind != Node::Kind::kString) return Status::Ok();
    if (other == Type::kDate && !IsCalendarDate(lit.sval)) return At(lit, "'" + lit.sval + "' is not a date YYYY-MM-DD");
    if (other == Type::kTime && !IsTimeOfDay(lit.sval)) return At(lit, "'" + lit.sval + "' is not a time HH:MM");
    if ((other == Type::kChoice || other == Type::kChoices) && field != nullptr && field->choice_list().empty()) {
      bool found = false;
      for (const auto& c : field->choices()) found = found || c.value() == lit.sval;
      if (!found) return At(lit, "'" + lit.sval + "' is not one of the choices of \"" + field->name() + "\"");
    }
    return Status::Ok();
  }

  Status Binary(Node& n) {
    WS_RETURN_IF_ERROR(Visit(*n.args[0], false));
    WS_RETURN_IF_ERROR(Visit(*n.args[1], false));
    Node& l = *n.args[0];
    Node& r = *n.args[1];
    const std::string types = std::string(TypeName(l.type)) + " and " + TypeName(r.type);
    if (n.op == "and" || n.op == "or") {
      if (l.type != Type::kBoolean || r.type != Type::kBoolean) return At(n, n.op + " takes true/false on both sides, got " + types);
      n.type = Type::kBoolean;
      return Status::Ok();
    }
    if ((n.op == "+" || n.op == "-") && (l.type == Type::kDate || r.type == Type::kDate)) return DateArith(n, l, r, types);
    if (n.op == "+" || n.op == "-" || n.op == "*" || n.op == "/") {
      if (!Numeric(l.type) || !Numeric(r.type)) return At(n, "'" + n.op + "' takes numbers on both sides, got " + types);
      n.type = (l.type == Type::kInteger && r.type == Type::kInteger && n.op != "/") ? Type::kInteger : Type::kDecimal;
      return Status::Ok();
    }
    // Comparisons.
    n.type = Type::kBoolean;
    if (Numeric(l.type) && Numeric(r.type)) return Status::Ok();
    const bool ordering = n.op != "=" && n.op != "!=";
    const bool lit_l = l.kind == Node::Kind::kString, lit_r = r.kind == Node::Kind::kString;
    if (l.type == r.type && !lit_l && !lit_r) {
      if (l.type == Type::kDate || l.type == Type::kTime) return Status::Ok();
      if (!ordering && (l.type == Type::kBoolean || l.type == Type::kText || l.type == Type::kChoice)) return Status::Ok();
    }
    if ((lit_l || lit_r) && !(lit_l && lit_r)) {
      const Node& field = lit_l ? r : l;
      const Node& lit = lit_l ? l : r;
      if (field.type == Type::kDate || field.type == Type::kTime) return Literal(lit, field.type, field.field);
      if (!ordering && (field.type == Type::kText || field.type == Type::kChoice)) return Literal(lit, field.type, field.field);
    }
    if (l.type == Type::kChoices || r.type == Type::kChoices) {
      return At(n, "a multiple choice is tested with selected(field, 'value'), not '" + n.op + "'");
    }
    return At(n, "'" + n.op + "' cannot compare " + types);
  }

  // Days, never months: "date + 5" is five days later, "date - date" the
  // days between (negative when the first is earlier). A text literal on
  // the other side of "date -" or "- date" must be a date ('2021-05-23').
  Status DateArith(Node& n, Node& l, Node& r, const std::string& types) {
    const bool lit_l = l.kind == Node::Kind::kString, lit_r = r.kind == Node::Kind::kString;
    if (n.op == "-" && (l.type == Type::kDate || lit_l) && (r.type == Type::kDate || lit_r)) {
      if (lit_l) WS_RETURN_IF_ERROR(Literal(l, Type::kDate, nullptr));
      if (lit_r) WS_RETURN_IF_ERROR(Literal(r, Type::kDate, nullptr));
      n.type = Type::kInteger;
      return Status::Ok();
    }
    if (l.type == Type::kDate && r.type == Type::kInteger) {
      n.type = Type::kDate;
      return Status::Ok();
    }
    if (n.op == "+" && l.type == Type::kInteger && r.type == Type::kDate) {
      n.type = Type::kDate;
      return Status::Ok();
    }
    if (n.op == "+") return At(n, "'+' takes a date and a whole number of days, got " + types);
    return At(n, "'-' takes a date and a whole number of days, or two dates, got " + types);
  }

  // if(condition, then, otherwise): both branches give one type (integer
  // and decimal make a decimal; a text literal takes the other branch's
  // date, time or choice type when it is one), so the type of an if() is
  // known at publish time whichever branch a record takes.
  Status If(Node& n) {
    Node& c = *n.args[0];
    Node& a = *n.args[1];
    Node& b = *n.args[2];
    WS_RETURN_IF_ERROR(Visit(c, false));
    if (c.type != Type::kBoolean) return At(c, std::string("if() takes a condition (true/false) first, got ") + TypeName(c.type));
    WS_RETURN_IF_ERROR(Visit(a, false));
    WS_RETURN_IF_ERROR(Visit(b, false));
    const bool lit_a = a.kind == Node::Kind::kString, lit_b = b.kind == Node::Kind::kString;
    if (Numeric(a.type) && Numeric(b.type)) {
      n.type = a.type == Type::kInteger && b.type == Type::kInteger ? Type::kInteger : Type::kDecimal;
      return Status::Ok();
    }
    if (lit_a != lit_b) {
      const Node& other = lit_a ? b : a;
      if (other.type == Type::kDate || other.type == Type::kTime || other.type == Type::kText || other.type == Type::kChoice) {
        WS_RETURN_IF_ERROR(Literal(lit_a ? a : b, other.type, other.field));
        n.type = other.type;
        return Status::Ok();
      }
    }
    if (a.type == b.type && a.type != Type::kChoices) {
      n.type = a.type;
      return Status::Ok();
    }
    return At(n, std::string("if() takes two branches of one type, got ") + TypeName(a.type) + " and " + TypeName(b.type));
  }

  Status Call(Node& n) {
    auto arity = [&](size_t k) -> Status {
      if (n.args.size() != k) {
        return At(n, n.op + "() takes " + std::to_string(k) + " argument" + (k == 1 ? "" : "s") + ", got " +
                         std::to_string(n.args.size()));
      }
      return Status::Ok();
    };
    if (n.op == "sum") {
      WS_RETURN_IF_ERROR(arity(1));
      Node& a = *n.args[0];
      if (a.kind != Node::Kind::kField || a.name.find('.') == std::string::npos) {
        return At(n, "sum() takes a field of a repeat group, e.g. sum(candidates.votes)");
      }
      WS_RETURN_IF_ERROR(Visit(a, true));
      if (!Numeric(a.type)) return At(n, std::string("sum() takes a number field, \"") + a.name + "\" is " + TypeName(a.type));
      n.type = a.type;
      return Status::Ok();
    }
    if (n.op == "count") {
      WS_RETURN_IF_ERROR(arity(1));
      Node& a = *n.args[0];
      if (a.kind != Node::Kind::kField || a.name.find('.') != std::string::npos) {
        return At(n, "count() takes a repeat group, e.g. count(candidates)");
      }
      WS_RETURN_IF_ERROR(Visit(a, true));
      if (a.type != Type::kGroup) return At(n, "count() takes a repeat group, \"" + a.name + "\" is " + TypeName(a.type));
      n.type = Type::kInteger;
      return Status::Ok();
    }
    if (n.op == "selected") {
      WS_RETURN_IF_ERROR(arity(2));
      Node& f = *n.args[0];
      Node& v = *n.args[1];
      if (f.kind != Node::Kind::kField) return At(n, "selected() takes a choice field first");
      WS_RETURN_IF_ERROR(Visit(f, false));
      if (f.type != Type::kChoice && f.type != Type::kChoices) {
        return At(n, std::string("selected() takes a choice field, \"") + f.name + "\" is " + TypeName(f.type));
      }
      if (v.kind != Node::Kind::kString) return At(v, "selected() takes a choice value in quotes second, e.g. 'resolved'");
      v.type = Type::kText;
      WS_RETURN_IF_ERROR(Literal(v, f.type, f.field));
      n.type = Type::kBoolean;
      return Status::Ok();
    }
    if (n.op == "if") {
      WS_RETURN_IF_ERROR(arity(3));
      return If(n);
    }
    return At(n, "unknown function " + n.op + "() (there are sum, count, selected and if)");
  }

  const FormDef& form_;
  Expr& out_;
};

}  // namespace

const char* TypeName(Type t) {
  switch (t) {
    case Type::kInteger: return "an integer";
    case Type::kDecimal: return "a decimal number";
    case Type::kBoolean: return "true/false";
    case Type::kText: return "text";
    case Type::kDate: return "a date";
    case Type::kTime: return "a time";
    case Type::kChoice: return "a choice";
    case Type::kChoices: return "a multiple choice";
    case Type::kGroup: return "a repeat group";
    default: return "unusable";
  }
}

Type FieldType(const FieldDef& field) {
  switch (field.type()) {
    case FieldDef::INTEGER: return Type::kInteger;
    case FieldDef::DECIMAL: return Type::kDecimal;
    case FieldDef::TEXT: return Type::kText;
    case FieldDef::BOOLEAN: return Type::kBoolean;
    case FieldDef::DATE: return Type::kDate;
    case FieldDef::TIME: return Type::kTime;
    case FieldDef::SINGLE_CHOICE: return Type::kChoice;
    case FieldDef::MULTIPLE_CHOICE: return Type::kChoices;
    case FieldDef::GROUP: return Type::kGroup;
    default: return Type::kUnknown;
  }
}

Result<Expr> Compile(const FormDef& form, std::string_view text, Want want, const FieldDef* row_group) {
  auto root = Parse(text);
  if (!root.ok()) return root.status();
  Expr out;
  out.text = std::string(text);
  out.root = std::move(root).value();
  WS_RETURN_IF_ERROR(Checker(form, row_group, out).Visit(*out.root, false));
  if (want == Want::kBoolean && out.root->type != Type::kBoolean) {
    return Status::Invalid(std::string("the expression must be true/false (a condition), it is ") + TypeName(out.root->type));
  }
  return out;
}

}  // namespace wardsync::forms_util::expr
