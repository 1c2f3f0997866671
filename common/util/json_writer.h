// Minimal streaming JSON builder for --json output: commas and escaping are
// handled here so no command hand-assembles JSON.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/forms/json_text.h"

namespace wardsync::util {

class JsonWriter {
 public:
  JsonWriter& BeginObject() { Sep(); out_ += '{'; first_.push_back(true); return *this; }
  JsonWriter& EndObject() { out_ += '}'; first_.pop_back(); return *this; }
  JsonWriter& BeginArray() { Sep(); out_ += '['; first_.push_back(true); return *this; }
  JsonWriter& EndArray() { out_ += ']'; first_.pop_back(); return *this; }
  JsonWriter& Key(std::string_view k) {
    Sep();
    forms_util::AppendJsonString(k, &out_);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  JsonWriter& String(std::string_view v) { Sep(); forms_util::AppendJsonString(v, &out_); return *this; }
  JsonWriter& Int(int64_t v) { Sep(); out_ += std::to_string(v); return *this; }
  JsonWriter& Uint(uint64_t v) { Sep(); out_ += std::to_string(v); return *this; }
  JsonWriter& Bool(bool v) { Sep(); out_ += v ? "true" : "false"; return *this; }
  JsonWriter& Null() { Sep(); out_ += "null"; return *this; }
  // Already-encoded JSON (e.g. a value from forms_util::AppendValueJson).
  JsonWriter& Raw(std::string_view json) { Sep(); out_.append(json); return *this; }
  const std::string& str() const { return out_; }

 private:
  void Sep() {
    if (after_key_) { after_key_ = false; return; }
    if (!first_.empty()) {
      if (!first_.back()) out_ += ',';
      first_.back() = false;
    }
  }
  std::string out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace wardsync::util
