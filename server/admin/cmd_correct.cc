// `correct`: a value corrected on the server, signed with the server key and
// kept in the record's history with its reason (server/admin/server_correct.h).
#include "common/changes/changeset.h"
#include "common/forms/value_text.h"
#include "common/util/json_writer.h"
#include "server/admin/command.h"
#include "server/admin/server_correct.h"

namespace wardsync::server {

int CmdCorrect(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  ServerCorrectRequest req;
  if (!RecordArgument(args, err, &req.record_id)) return 2;
  for (const auto& text : args.GetAll("set")) {
    auto kv = cli::SplitAssignment(text);
    if (!kv.ok()) {
      err << "error: " << kv.status().message() << "\n";
      return 2;
    }
    req.sets.push_back(*kv);
  }
  if (req.sets.empty()) {
    err << "error: give at least one --set FIELD=VALUE\n";
    return 2;
  }
  auto reason = args.Get("reason");
  if (!reason || reason->empty()) {
    err << "error: --reason TEXT is required (it is kept in the record's history)\n";
    return 2;
  }
  req.reason = *reason;
  req.officer = args.Get("officer").value_or("server administrator");

  Result<ServerCorrectResult> result = Status::Internal("not run");
  env.Exclusive([&](Ingestor& ing) { result = CorrectOnServer(ing, req); });
  if (!result.ok()) {
    err << "error: " << result.status().message() << "\n";
    return 1;
  }
  const std::string hex = changes_util::RecordIdText(req.record_id);
  auto text = [](const wardsync::records::RecordState& r, const std::string& name) {
    auto it = r.fields().find(name);
    return it != r.fields().end() && it->second.has_value() ? forms_util::FormatValue(it->second.value())
                                                            : std::string("(empty)");
  };
  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginObject().Key("corrected").String(hex);
    w.Key("changeset").String("server:" + std::to_string(result->changeset_seq));
    w.Key("log_seq").Uint(result->log_seq).Key("reason").String(req.reason);
    w.Key("fields").BeginArray();
    for (const auto& [name, value] : req.sets) {
      w.BeginObject().Key("field").String(name).Key("before").String(text(result->before, name));
      w.Key("after").String(text(result->record, name)).EndObject();
    }
    w.EndArray().Key("conflicts_closed").BeginArray();
    for (const auto& id : result->closed) w.String(id);
    w.EndArray().EndObject();
    out << w.str() << "\n";
    return 0;
  }
  out << "corrected record " << hex << " (change-set server:" << result->changeset_seq << ", log "
      << result->log_seq << "): ";
  const char* sep = "";
  for (const auto& [name, value] : req.sets) {
    out << sep << name << " " << text(result->before, name) << " -> " << text(result->record, name);
    sep = ", ";
  }
  out << "\n";
  for (const auto& id : result->closed) out << "  closed conflict " << id << "\n";
  out << "devices get it at their next sync\n";
  return 0;
}

}  // namespace wardsync::server
