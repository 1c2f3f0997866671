// Shared fixtures for the [forms] tests: the real voter-meeting form from the
// election pack, a small form using every field type, and a temporary pack
// directory.
#pragma once
#include <catch2/catch.hpp>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/forms/form_loader.h"
#include "common/util/files.h"

namespace forms_test {

inline std::string ElectionPackDir() { return WARDSYNC_SOURCE_DIR "/forms/election"; }

inline wardsync::forms::FormDef VoterMeeting() {
  std::string path = ElectionPackDir() + "/voter-meeting.json";
  std::string json;
  REQUIRE(wardsync::util::ReadFile(path, &json).ok());
  auto form = wardsync::forms_util::ParseFormJson(json, path);
  REQUIRE(form.ok());
  return *form;
}

// One field of every type, with the options each type can take.
inline constexpr const char* kAllTypesJson = R"({
  "id": "all-types", "version": 1, "title": "Mọi kiểu trường",
  "fields": [
    {"name": "count",   "type": "INTEGER", "min": -10, "max": 10},
    {"name": "ratio",   "type": "DECIMAL", "min": 0, "max": 1.5},
    {"name": "note",    "type": "TEXT", "maxLength": 5},
    {"name": "long_note", "type": "TEXT"},
    {"name": "flag",    "type": "BOOLEAN"},
    {"name": "day",     "type": "DATE"},
    {"name": "level",   "type": "SINGLE_CHOICE", "choices": [{"value": "low", "label": "Thấp"}, {"value": "high", "label": "Cao"}]},
    {"name": "tags",    "type": "MULTIPLE_CHOICE", "choices": [{"value": "a"}, {"value": "b"}, {"value": "c"}]}
  ]
})";

inline wardsync::forms::FormDef AllTypes() {
  auto form = wardsync::forms_util::ParseFormJson(kAllTypesJson, "all-types.json");
  REQUIRE(form.ok());
  return *form;
}

inline const wardsync::forms::FieldDef& Field(const wardsync::forms::FormDef& form, const std::string& name) {
  for (const auto& f : form.fields()) {
    if (f.name() == name) return f;
  }
  FAIL("no field " << name);
  static const wardsync::forms::FieldDef kNone;  // not reached: FAIL ends the test
  return kNone;
}

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "wardsync-forms-XXXXXX").string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  void Write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ + "/" + name, std::ios::binary) << text;
  }

 private:
  std::string path_;
};

}  // namespace forms_test
