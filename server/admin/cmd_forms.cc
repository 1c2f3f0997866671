#include <filesystem>

#include "common/forms/form_loader.h"
#include "common/util/files.h"
#include "common/util/json_writer.h"
#include "server/admin/command.h"
#include "server/admin/publish.h"

namespace wardsync::server {

int CmdFormsPublish(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional().empty()) {
    err << "error: name at least one form file or form pack directory\n";
    return 2;
  }
  std::vector<wardsync::forms::FormDef> forms;
  std::optional<wardsync::forms::WardList> wards;
  std::vector<wardsync::forms::ChoiceListDef> lists;  // a pack's choices/
  for (const auto& path : args.positional()) {
    std::error_code ec;
    // A symlink is not followed to a directory either (ReadRegularFile refuses it).
    if (std::filesystem::is_directory(std::filesystem::symlink_status(path, ec))) {
      auto pack = forms_util::LoadFormPack(path);
      if (!pack.ok()) {
        err << "error: " << pack.status().message() << "\n";
        return 1;
      }
      forms.insert(forms.end(), pack->forms.begin(), pack->forms.end());
      if (pack->wards.wards_size() > 0) wards = pack->wards;
      lists.insert(lists.end(), pack->choice_lists.begin(), pack->choice_lists.end());
      continue;
    }
    std::string text;
    Status s = util::ReadRegularFile(path, forms_util::kMaxFormFileBytes, &text);
    if (!s.ok()) {
      err << "error: " << s.message() << "\n";
      return 1;
    }
    if (std::filesystem::path(path).filename() == "wards.json") {
      auto w = forms_util::ParseWardsJson(text, path);
      if (!w.ok()) {
        err << "error: " << w.status().message() << "\n";
        return 1;
      }
      wards = *w;
      continue;
    }
    auto f = forms_util::ParseFormJson(text, path);
    if (!f.ok()) {
      err << "error: " << f.status().message() << "\n";
      return 1;
    }
    forms.push_back(*f);
  }
  return RunPublish(env, args, forms, wards, lists, out, err);
}

int RunPublish(AdminEnv& env, const cli::Args& args, const std::vector<wardsync::forms::FormDef>& forms,
               const std::optional<wardsync::forms::WardList>& wards,
               const std::vector<wardsync::forms::ChoiceListDef>& lists, std::ostream& out, std::ostream& err) {
  Result<PublishResult> result = Status::Internal("not run");
  env.Exclusive([&](Ingestor& ing) { result = PublishForms(ing.ctx(), forms, wards, lists); });
  if (!result.ok()) {
    err << "error: " << result.status().message() << "\n";
    return 1;
  }
  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginObject();
    using Names = std::pair<const char*, const std::vector<std::string>*>;
    for (const auto& [key, names] : std::initializer_list<Names>{{"published", &result->published},
                                                                 {"unchanged", &result->unchanged},
                                                                 {"lists_published", &result->lists_published},
                                                                 {"lists_unchanged", &result->lists_unchanged}}) {
      w.Key(key).BeginArray();
      for (const auto& p : *names) w.String(p);
      w.EndArray();
    }
    w.Key("wards_changed").Bool(result->wards_changed).Key("epoch").Uint(result->epoch);
    w.Key("keys_indexed").Uint(result->keys_indexed).Key("keys_removed").Uint(result->keys_removed).EndObject();
    out << w.str() << "\n";
  } else {
    for (const auto& p : result->published) out << "published " << p << "\n";
    for (const auto& p : result->unchanged) out << "unchanged " << p << "\n";
    for (const auto& p : result->lists_published) out << "published choice list " << p << "\n";
    for (const auto& p : result->lists_unchanged) out << "unchanged choice list " << p << "\n";
    if (result->wards_changed) out << "published the ward list\n";
    if (result->keys_indexed || result->keys_removed) {
      out << "unique-key index: " << result->keys_indexed << " records indexed, " << result->keys_removed
          << " stale entries removed\n";
    }
  }
  return 0;
}

namespace {

void FieldDefsJson(const google::protobuf::RepeatedPtrField<wardsync::forms::FieldDef>& fields, util::JsonWriter& w) {
  w.BeginArray();
  for (const auto& fd : fields) {
    w.BeginObject().Key("name").String(fd.name()).Key("label").String(fd.label());
    w.Key("type").String(wardsync::forms::FieldDef::Type_Name(fd.type()));
    if (fd.choices_size() > 0) {
      w.Key("choices").BeginArray();
      for (const auto& c : fd.choices()) w.BeginObject().Key("value").String(c.value()).Key("label").String(c.label()).EndObject();
      w.EndArray();
    }
    if (fd.fields_size() > 0) {
      w.Key("fields");
      FieldDefsJson(fd.fields(), w);
    }
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

int CmdFormsList(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  auto forms = env.ctx().forms.Get();
  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginArray();
    for (const auto* f : forms->registry.All()) {
      w.BeginObject().Key("id").String(f->id()).Key("version").Uint(f->version()).Key("title").String(f->title());
      w.Key("fields").Uint(f->fields_size());
      // Names, labels and choices, so pages show the form's own words (the
      // dashboard's reports and review queue) instead of ASCII ids.
      w.Key("field_defs");
      FieldDefsJson(f->fields(), w);
      w.EndObject();
    }
    w.EndArray();
    out << w.str() << "\n";
    return 0;
  }
  for (const auto* f : forms->registry.All()) {
    out << f->id() << "@" << f->version() << "  " << f->title() << "  (" << f->fields_size() << " fields)\n";
  }
  return 0;
}

int CmdWards(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  auto forms = env.ctx().forms.Get();
  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginArray();
    for (const auto& ward : forms->wards.wards()) {
      w.BeginObject().Key("id").String(ward.id()).Key("name").String(ward.name()).EndObject();
    }
    w.EndArray();
    out << w.str() << "\n";
    return 0;
  }
  for (const auto& ward : forms->wards.wards()) out << ward.id() << "  " << ward.name() << "\n";
  return 0;
}

}  // namespace wardsync::server
