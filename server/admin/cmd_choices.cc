// choices publish / choices list: the choice lists published beside the
// forms (candidates, polling areas); see common/forms/choice_list.h.
#include "common/forms/form_loader.h"
#include "common/util/json_writer.h"
#include "server/admin/command.h"
#include "server/admin/publish.h"

namespace wardsync::server {

int CmdChoicesPublish(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional().empty()) {
    err << "error: name at least one choice list file or directory of them\n";
    return 2;
  }
  std::vector<wardsync::forms::ChoiceListDef> lists;
  for (const auto& path : args.positional()) {
    auto loaded = forms_util::LoadChoiceLists(path);
    if (!loaded.ok()) {
      err << "error: " << loaded.status().message() << "\n";
      return 1;
    }
    lists.insert(lists.end(), loaded->begin(), loaded->end());
  }
  return RunPublish(env, args, {}, std::nullopt, lists, out, err);
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
