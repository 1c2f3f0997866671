// new / edit / delete: one signed change-set each, stored durably before the
// command returns; the agent (if running) is woken to send it.
#include "client/capture/capture.h"
#include "client/cli/command.h"

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

}  // namespace

int CmdNew(ClientEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  auto form = args.Require("form");
  if (!form.ok()) return Fail(err, form.status(), 2);
  auto sets = ParseSets(args);
  if (!sets.ok()) return Fail(err, sets.status(), 2);
  auto key = env.Key();
  if (!key.ok()) return Fail(err, key.status());
  Capture capture(env.store(), *key, env.clock());
  auto id = capture.New(*form, *sets);
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
  if (sets->empty()) return Fail(err, Status::Invalid("nothing to change: give --set NAME=VALUE"), 2);
  auto key = env.Key();
  if (!key.ok()) return Fail(err, key.status());
  Capture capture(env.store(), *key, env.clock());
  Status s = capture.Edit(args.positional()[0], *sets);
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
