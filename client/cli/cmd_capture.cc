// new / edit / delete: one signed change-set each, stored durably before the
// command returns; the agent (if running) is woken to send it.
#include <iostream>
#include <iterator>

#include "client/capture/capture.h"
#include "client/cli/command.h"
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

}  // namespace

int CmdNew(ClientEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  auto form = args.Require("form");
  if (!form.ok()) return Fail(err, form.status(), 2);
  auto sets = ParseSets(args);
  if (!sets.ok()) return Fail(err, sets.status(), 2);
  auto json = JsonValues(args);
  if (!json.ok()) return Fail(err, json.status(), 2);
  auto key = env.Key();
  if (!key.ok()) return Fail(err, key.status());
  Capture capture(env.store(), *key, env.clock());
  auto id = json->has_value() ? capture.NewFromJson(*form, **json) : capture.New(*form, *sets);
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
  if (sets->empty() && !json->has_value()) {
    return Fail(err, Status::Invalid("nothing to change: give --set NAME=VALUE or --from-json FILE"), 2);
  }
  auto key = env.Key();
  if (!key.ok()) return Fail(err, key.status());
  Capture capture(env.store(), *key, env.clock());
  Status s = json->has_value() ? capture.EditFromJson(args.positional()[0], **json) : capture.Edit(args.positional()[0], *sets);
  if (!s.ok()) return Fail(err, s);
  WarnIfClockOff(env, err);
  env.WakeAgent();
  if (args.Flag("json")) out << "{\"id\":\"" << args.positional()[0] << "\",\"saved\":true}\n";
  else out << "saved " << args.positional()[0] << "\n";
  return 0;
}

int CmdDelete(ClientEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional().size() != 1) return Fail(err, Status::Invalid("name exactly one RECORD to delete"), 2);
  auto key = env.Key();
  if (!key.ok()) return Fail(err, key.status());
  Capture capture(env.store(), *key, env.clock());
  Status s = capture.Delete(args.positional()[0]);
  if (!s.ok()) return Fail(err, s);
  WarnIfClockOff(env, err);
  env.WakeAgent();
  if (args.Flag("json")) out << "{\"id\":\"" << args.positional()[0] << "\",\"deleted\":true}\n";
  else out << "deleted " << args.positional()[0] << "\n";
  return 0;
}

}  // namespace wardsync::client
