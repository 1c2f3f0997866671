// Reads form packs: a directory of JSON files, one form definition per file
// plus wards.json with the ward list, and the choice lists the forms name in
// its subdirectory choices/ (see forms/README.md). JSON uses the
// proto3 JSON mapping of forms.proto, read with protobuf's own parser so the
// files and the wire format can never disagree.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "proto/forms.pb.h"

namespace wardsync::forms_util {

// Parses one form definition and checks it (CheckFormDef). Unknown JSON keys
// are refused so a misspelt "requried" cannot silently drop a rule. origin
// (usually the file path) prefixes every error message.
Result<wardsync::forms::FormDef> ParseFormJson(std::string_view json, std::string_view origin);

// Parses {"wards":[{"id":...,"name":...},...]} and checks it (CheckWardList).
Result<wardsync::forms::WardList> ParseWardsJson(std::string_view json, std::string_view origin);

// Largest form definition or ward list file read (the election pack's are
// a few KiB): publish refuses a bigger one instead of reading without bound.
inline constexpr size_t kMaxFormFileBytes = 4 << 20;

struct FormPack {
  std::vector<wardsync::forms::FormDef> forms;  // in file-name order
  wardsync::forms::WardList wards;              // empty when the pack has no wards.json
  // DIR/choices/*.json in file-name order; empty when there is no choices/.
  // Published with the forms, so a form naming a list finds it.
  std::vector<wardsync::forms::ChoiceListDef> choice_lists;
};

// Every *.json file directly in dir, sorted by name: wards.json is the ward
// list, every other file is one form; and the choice lists of dir/choices
// (LoadChoiceLists). Refuses a pack with no forms and two files defining the
// same (id, version).
Result<FormPack> LoadFormPack(const std::string& dir);

// The choice lists (ParseChoiceListJson, checked) of one FILE.json, or of
// every *.json directly in a directory, sorted by name so errors repeat.
// Refuses a directory with no list. A symlink is not followed.
Result<std::vector<wardsync::forms::ChoiceListDef>> LoadChoiceLists(const std::string& path);

}  // namespace wardsync::forms_util
