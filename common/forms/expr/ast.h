// The syntax tree of one expression of the form language (forms/README.md
// "The form language"). The parser builds it; the type checker fills in
// `type` and the field definitions each name resolves to, so the evaluator
// never looks a name up again.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "proto/forms.pb.h"

namespace wardsync::forms_util::expr {

enum class Type { kUnknown, kInteger, kDecimal, kBoolean, kText, kDate, kTime, kChoice, kChoices, kGroup };

const char* TypeName(Type t);

struct Node {
  enum class Kind {
    kInteger,   // ival
    kDecimal,   // dval
    kString,    // sval ('...' or "...")
    kBoolean,   // bval (true / false)
    kField,     // name: "field" or "group.sub"
    kUnary,     // op: "not" or "-"; args[0]
    kBinary,    // op: + - * / < <= > >= = != and or; args[0], args[1]
    kCall,      // op: sum / count / selected; args
  };
  Kind kind = Kind::kInteger;
  size_t pos = 0;  // 1-based character position in the expression text
  std::string op;
  std::string name;
  int64_t ival = 0;
  double dval = 0;
  std::string sval;
  bool bval = false;
  std::vector<std::unique_ptr<Node>> args;

  // Filled by the type checker.
  Type type = Type::kUnknown;
  const wardsync::forms::FieldDef* field = nullptr;  // kField: the field (or the sub-field)
  const wardsync::forms::FieldDef* group = nullptr;  // kField of "group.sub" or a group: the GROUP
};

}  // namespace wardsync::forms_util::expr
