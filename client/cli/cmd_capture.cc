// new / edit / delete: one signed change-set each, stored durably before the
// command returns; the agent (if running) is woken to send it.
#include <iostream>
#include <iterator>

#include "client/attach/attachment_copy.h"
#include "client/capture/capture.h"
#include "client/cli/command.h"
#include "common/attach/attachment_value.h"
#include "common/changes/changeset.h"
#include "common/util/files.h"

namespace wardsync::client {
namespace {

Result<FieldTexts> ParseSets(const cli::Args& args) {
  FieldTexts sets;
  for (const auto& s : args.GetAll("set")) {
    auto kv = SplitAssignment(s);
    if (!kv.ok()) return kv.status();
    sets.push_back(*kv);
  }
  return sets;
}

int Fail(std::ostream& err, const Status& s, int code = 1) {
  err << "error: " << s.message() << "\n";
  return code;
}

// --from-json FILE ("-": standard input): the text of the JSON object, or
// nullopt when the option is absent. Refused together with --set: one
// source of values per change keeps "what was saved" obvious.
Result<std::optional<std::string>> JsonValues(const cli::Args& args) {
  auto path = args.Get("from-json");
  if (!path) return std::optional<std::string>();
  if (!args.GetAll("set").empty()) return Status::Invalid("give either --set NAME=VALUE... or --from-json FILE, not both");
  std::string text;
  if (*path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    Status s = util::ReadFile(*path, &text);
    if (!s.ok()) return Status::Invalid("cannot read --from-json " + *path + ": " + s.message());
  }
  return std::optional<std::string>(std::move(text));
}

// `--attach FIELD=FILE`: each file checked against the field and copied
// durably into the data directory (client/attach), its value appended to
// `sets`. Copies made here are listed in `made` so a refused capture can
// take them back.
Status AddAttachments(ClientEnv& env, const cli::Args& args, const forms::FormDef& form, FieldTexts* sets,
                      std::vector<attach::Copied>* made) {
  for (const auto& a : args.GetAll("attach")) {
    auto kv = SplitAssignment(a);
    if (!kv.ok()) return kv.status();
    const forms::FieldDef* field = forms_util::FormRegistry::FindField(form, kv->first);
    if (field == nullptr) return Status::Invalid(form.id() + ": unknown field \"" + kv->first + "\"");
    auto copied = attach::CopyIn(env.paths().attachments(), kv->second, form, *field);
    if (!copied.ok()) return copied.status();
    made->push_back(*copied);
    sets->emplace_back(kv->first, wardsync::attach::FormatText(copied->value));
  }
  return Status::Ok();
}

void TakeBack(ClientEnv& env, const std::vector<attach::Copied>& made) {
  for (const auto& c : made) attach::RemoveCopy(env.paths().attachments(), c);
}

// The form a new record or an edit of `record_hex` is checked against.
Result<forms::FormDef> FormFor(ClientEnv& env, const std::string& form_id, const std::string& record_hex) {
  auto forms = env.store().CachedForms();
  if (!forms.ok()) return forms.status();
  std::string id = form_id;
  uint32_t version = 0;
  if (!record_hex.empty()) {
    std::string raw;
    if (!changes_util::ParseRecordId(record_hex, &raw)) return Status::Invalid("\"" + record_hex + "\" is not a record id");
    auto rec = env.store().LocalRecord(raw);
    if (!rec.ok()) return rec.status();
    if (!rec->has_value()) return Status::NotFound("no record " + record_hex);
    id = (*rec)->form_id();
    version = (*rec)->form_version();
  }
  const forms::FormDef* f = version ? (*forms)->Find(id, version) : nullptr;
  if (f == nullptr) f = (*forms)->Latest(id);
  if (f == nullptr) return Status::NotFound("unknown form \"" + id + "\"");
  return *f;
}

}  // namespace

int CmdNew(ClientEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  auto form = args.Require("form");
  if (!form.ok()) return Fail(err, form.status(), 2);
  auto sets = ParseSets(args);
  if (!sets.ok()) return Fail(err, sets.status(), 2);
  auto json = JsonValues(args);
  if (!json.ok()) return Fail(err, json.status(), 2);
  if (Status keys = env.CheckKeys(); !keys.ok()) return Fail(err, keys);
  std::vector<attach::Copied> made;
  if (!args.GetAll("attach").empty()) {
    auto def = FormFor(env, *form, "");
    if (!def.ok()) return Fail(err, def.status());
    if (Status s = AddAttachments(env, args, *def, &*sets, &made); !s.ok()) {
      TakeBack(env, made);
      return Fail(err, s);
    }
  }
  Capture capture(env.store(), env.clock());
  capture.RequireHeldAttachments(env.paths().attachments());
  // --attach values go with either source (--set or --from-json).
  auto id = json->has_value() ? capture.NewFromJson(*form, **json, *sets) : capture.New(*form, *sets);
  if (!id.ok()) TakeBack(env, made);
  if (!id.ok()) return Fail(err, id.status());
  WarnIfClockOff(env, err);
  env.WakeAgent();
  if (args.Flag("json")) out << "{\"id\":\"" << *id << "\"}\n";
  else out << *id << "\n";
  return 0;
}

int CmdEdit(ClientEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional().size() != 1) return Fail(err, Status::Invalid("name exactly one RECORD to edit"), 2);
  auto sets = ParseSets(args);
  if (!sets.ok()) return Fail(err, sets.status(), 2);
  auto json = JsonValues(args);
  if (!json.ok()) return Fail(err, json.status(), 2);
  if (sets->empty() && !json->has_value() && args.GetAll("attach").empty()) {
    return Fail(err, Status::Invalid("nothing to change: give --set NAME=VALUE, --from-json FILE or --attach FIELD=FILE"), 2);
  }
  if (Status keys = env.CheckKeys(); !keys.ok()) return Fail(err, keys);
  std::vector<attach::Copied> made;
  if (!args.GetAll("attach").empty()) {
    auto def = FormFor(env, "", args.positional()[0]);
    if (!def.ok()) return Fail(err, def.status());
    if (Status s = AddAttachments(env, args, *def, &*sets, &made); !s.ok()) {
      TakeBack(env, made);
      return Fail(err, s);
    }
  }
  Capture capture(env.store(), env.clock());
  capture.RequireHeldAttachments(env.paths().attachments());
  Status s = json->has_value() ? capture.EditFromJson(args.positional()[0], **json, *sets)
                                : capture.Edit(args.positional()[0], *sets);
  if (!s.ok()) TakeBack(env, made);
  if (!s.ok()) return Fail(err, s);
  WarnIfClockOff(env, err);
  env.WakeAgent();
  if (args.Flag("json")) out << "{\"id\":\"" << args.positional()[0] << "\",\"saved\":true}\n";
  else out << "saved " << args.positional()[0] << "\n";
  return 0;
}

int CmdDelete(ClientEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional().size() != 1) return Fail(err, Status::Invalid("name exactly one RECORD to delete"), 2);
  if (Status keys = env.CheckKeys(); !keys.ok()) return Fail(err, keys);
  Capture capture(env.store(), env.clock());
  Status s = capture.Delete(args.positional()[0]);
  if (!s.ok()) return Fail(err, s);
  WarnIfClockOff(env, err);
  env.WakeAgent();
  if (args.Flag("json")) out << "{\"id\":\"" << args.positional()[0] << "\",\"deleted\":true}\n";
  else out << "deleted " << args.positional()[0] << "\n";
  return 0;
}

}  // namespace wardsync::client
