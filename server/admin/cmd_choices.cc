// choices publish / choices list: the choice lists published beside the
// forms (candidates, polling areas); see common/forms/choice_list.h.
#include <filesystem>

#include "common/forms/choice_list.h"
#include "common/util/files.h"
#include "common/util/json_writer.h"
#include "server/admin/command.h"
#include "server/admin/publish.h"

namespace wardsync::server {
namespace {

namespace fs = std::filesystem;

// FILE.json, or every *.json directly in DIR (sorted, so errors repeat).
Status ReadLists(const std::string& path, std::vector<wardsync::forms::ChoiceListDef>* out) {
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
  for (const auto& file : files) {
    std::string text;
    WS_RETURN_IF_ERROR(util::ReadRegularFile(file, forms_util::kMaxChoiceListFileBytes, &text));
    auto list = forms_util::ParseChoiceListJson(text, file);
    if (!list.ok()) return list.status();
    out->push_back(std::move(list).value());
  }
  return Status::Ok();
}

}  // namespace

int CmdChoicesPublish(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional().empty()) {
    err << "error: name at least one choice list file or directory of them\n";
    return 2;
  }
  std::vector<wardsync::forms::ChoiceListDef> lists;
  for (const auto& path : args.positional()) {
    Status s = ReadLists(path, &lists);
    if (!s.ok()) {
      err << "error: " << s.message() << "\n";
      return 1;
    }
  }
  Result<PublishResult> result = Status::Internal("not run");
  env.Exclusive([&](Ingestor& ing) { result = PublishChoiceLists(ing.ctx(), lists); });
  if (!result.ok()) {
    err << "error: " << result.status().message() << "\n";
    return 1;
  }
  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginObject().Key("published").BeginArray();
    for (const auto& p : result->published) w.String(p);
    w.EndArray().Key("unchanged").BeginArray();
    for (const auto& p : result->unchanged) w.String(p);
    w.EndArray().Key("epoch").Uint(result->epoch).EndObject();
    out << w.str() << "\n";
  } else {
    for (const auto& p : result->published) out << "published " << p << "\n";
    for (const auto& p : result->unchanged) out << "unchanged " << p << "\n";
  }
  return 0;
}

int CmdChoicesList(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  auto forms = env.ctx().forms.Get();
  const std::string only = args.Get("id").value_or("");
  const bool json = args.Flag("json");
  util::JsonWriter w;
  if (json) w.BeginArray();
  for (const auto* l : forms->registry.ChoiceLists()) {
    if (forms->registry.LatestChoiceList(l->id()) != l) continue;  // the version officers are offered
    if (!only.empty() && l->id() != only) continue;
    if (json) {
      w.BeginObject().Key("id").String(l->id()).Key("version").Uint(l->version()).Key("title").String(l->title());
      w.Key("entries").BeginArray();
      for (const auto& e : l->entries()) {
        w.BeginObject().Key("value").String(e.value()).Key("label").String(e.label());
        if (!e.ward().empty()) w.Key("ward").String(e.ward());
        if (!e.group().empty()) w.Key("group").String(e.group());
        w.EndObject();
      }
      w.EndArray().EndObject();
      continue;
    }
    out << l->id() << "@" << l->version() << "  " << l->title() << "  (" << l->entries_size() << " entries)\n";
    if (only.empty()) continue;
    for (const auto& e : l->entries()) {
      out << "  " << e.value() << "  " << e.label();
      if (!e.group().empty()) out << "  [" << e.group() << "]";
      if (!e.ward().empty()) out << "  (" << e.ward() << ")";
      out << "\n";
    }
  }
  if (json) out << w.EndArray().str() << "\n";
  if (!only.empty() && forms->registry.LatestChoiceList(only) == nullptr) {
    err << "error: no choice list \"" << only << "\" is published\n";
    return 1;
  }
  return 0;
}

}  // namespace wardsync::server
