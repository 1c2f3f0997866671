#include "common/forms/form_loader.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <utility>

#include "common/forms/choice_list.h"
#include "common/forms/form_check.h"
#include "common/util/files.h"

namespace wardsync::forms_util {
namespace {

namespace fs = std::filesystem;

Status ParseJson(std::string_view json, std::string_view origin, google::protobuf::Message* msg) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  options.case_insensitive_enum_parsing = false;
  auto st = google::protobuf::util::JsonStringToMessage(google::protobuf::StringPiece(json.data(), json.size()), msg,
                                                        options);
  if (!st.ok()) return Status::Invalid(std::string(origin) + ": invalid JSON: " + std::string(st.message()));
  return Status::Ok();
}

}  // namespace

Result<wardsync::forms::FormDef> ParseFormJson(std::string_view json, std::string_view origin) {
  wardsync::forms::FormDef form;
  WS_RETURN_IF_ERROR(ParseJson(json, origin, &form));
  WS_RETURN_IF_ERROR(CheckFormDef(form, origin));
  return form;
}

Result<wardsync::forms::WardList> ParseWardsJson(std::string_view json, std::string_view origin) {
  wardsync::forms::WardList wards;
  WS_RETURN_IF_ERROR(ParseJson(json, origin, &wards));
  WS_RETURN_IF_ERROR(CheckWardList(wards, origin));
  return wards;
}

Result<FormPack> LoadFormPack(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::NotFound("form pack " + dir + " is not a directory");
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json" && it->is_regular_file(ec)) files.push_back(it->path());
  }
  if (ec) return Status::Io("cannot list form pack " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());  // a stable order makes errors and publishing reproducible

  FormPack pack;
  std::map<std::pair<std::string, uint32_t>, std::string> seen;  // (id, version) -> file
  for (const auto& path : files) {
    const std::string name = path.string();
    std::string json;
    WS_RETURN_IF_ERROR(util::ReadRegularFile(name, kMaxFormFileBytes, &json));
    if (path.filename() == "wards.json") {
      auto wards = ParseWardsJson(json, name);
      if (!wards.ok()) return wards.status();
      pack.wards = std::move(wards).value();
      continue;
    }
    auto form = ParseFormJson(json, name);
    if (!form.ok()) return form.status();
    auto [it, inserted] = seen.emplace(std::pair(form->id(), form->version()), name);
    if (!inserted) {
      return Status::Invalid(name + ": form \"" + form->id() + "\" version " + std::to_string(form->version()) +
                             " is already defined in " + it->second);
    }
    pack.forms.push_back(std::move(form).value());
  }
  if (pack.forms.empty()) return Status::Invalid("form pack " + dir + " has no form files (*.json)");
  const std::string lists = (fs::path(dir) / "choices").string();
  if (fs::is_directory(fs::symlink_status(lists, ec))) {
    auto loaded = LoadChoiceLists(lists);
    if (!loaded.ok()) return loaded.status();
    pack.choice_lists = std::move(loaded).value();
  }
  return pack;
}

Result<std::vector<wardsync::forms::ChoiceListDef>> LoadChoiceLists(const std::string& path) {
  std::vector<std::string> files;
  std::error_code ec;
  if (fs::is_directory(fs::symlink_status(path, ec))) {
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() == ".json" && it->is_regular_file(ec)) files.push_back(it->path().string());
    }
    if (ec) return Status::Io("cannot list " + path + ": " + ec.message());
    if (files.empty()) return Status::Invalid(path + " holds no choice list files (*.json)");
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  std::vector<wardsync::forms::ChoiceListDef> out;
  for (const auto& file : files) {
    std::string text;
    WS_RETURN_IF_ERROR(util::ReadRegularFile(file, kMaxChoiceListFileBytes, &text));
    auto list = ParseChoiceListJson(text, file);
    if (!list.ok()) return list.status();
    out.push_back(std::move(list).value());
  }
  return out;
}

}  // namespace wardsync::forms_util
