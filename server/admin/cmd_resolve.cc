// `resolve`: closes an open conflict with a RESOLVE change-set signed by the
// server key (server/admin/server_resolve.h), serialized with ingest.
#include <cstdlib>

#include "common/forms/value_text.h"
#include "common/util/json_writer.h"
#include "server/admin/command.h"
#include "common/render/conflict_render.h"
#include "server/admin/server_resolve.h"

namespace wardsync::server {

int CmdResolve(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional().size() != 1) {
    err << "error: name exactly one CONFLICT (as `wardsync-server conflicts` lists it)\n";
    return 2;
  }
  ServerResolveRequest req;
  req.conflict_id = args.positional()[0];
  if (auto p = args.Get("pick")) {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(p->c_str(), &end, 10);
    if (p->empty() || *end || (*p)[0] == '-' || v == 0) {
      err << "error: --pick must be a candidate number (1, 2, ...), got \"" << *p << "\"\n";
      return 2;
    }
    req.pick = static_cast<size_t>(v);
  }
  req.value = args.Get("value");
  req.dismiss = args.Flag("dismiss");
  req.delete_record = args.Flag("delete");
  for (const auto& text : args.GetAll("set")) {
    auto kv = cli::SplitAssignment(text);
    if (!kv.ok()) {
      err << "error: " << kv.status().message() << "\n";
      return 2;
    }
    req.sets.push_back(*kv);
  }
  const int ways = (req.pick ? 1 : 0) + (req.value ? 1 : 0) + (req.dismiss ? 1 : 0) + (req.sets.empty() ? 0 : 1) +
                   (req.delete_record ? 1 : 0);
  if (ways != 1) {
    err << "error: give one of --pick N, --value V (competing values), --set FIELD=VALUE... (a broken rule or a "
           "rejected change), --dismiss (a rejected change; a duplicate: keep both) or --delete (a duplicate: delete "
           "this record)\n";
    return 2;
  }
  auto reason = args.Require("reason");
  if (!reason.ok() || reason->empty()) {
    err << "error: --reason TEXT is required (it is kept in the record's history)\n";
    return 2;
  }
  req.reason = *reason;
  req.officer = args.Get("officer").value_or("server administrator");

  Result<ServerResolveResult> result = Status::Internal("not run");
  env.Exclusive([&](Ingestor& ing) { result = ResolveOnServer(ing, req); });
  if (!result.ok()) {
    err << "error: " << result.status().message() << "\n";
    return 1;
  }
  const wardsync::records::Conflict* closed = nullptr;
  for (const auto& c : result->record.conflicts()) {
    if (c.id() == req.conflict_id) closed = &c;
  }
  std::string outcome;
  if (closed && closed->kind() == wardsync::records::DUPLICATE) {
    outcome = result->record.deleted() ? "the record is deleted" : "both records are kept";
  } else if (closed && closed->kind() != wardsync::records::VALUES) {
    for (const auto& [name, text] : req.sets) {
      auto it = result->record.fields().find(name);
      const bool has = it != result->record.fields().end() && it->second.has_value();
      outcome += (outcome.empty() ? "" : ", ") + name + " = " +
                 (has ? forms_util::FormatValue(it->second.value()) : std::string("(empty)"));
    }
    if (outcome.empty()) outcome = "dismissed";
  } else if (closed && closed->field().empty()) {
    outcome = result->record.deleted() ? "the record stays deleted" : "the record is kept";
  } else if (closed) {
    auto it = result->record.fields().find(closed->field());
    const bool has = it != result->record.fields().end() && it->second.has_value();
    outcome = closed->field() + " = " + (has ? forms_util::FormatValue(it->second.value()) : std::string("(empty)"));
  }
  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginObject().Key("resolved").String(req.conflict_id).Key("outcome").String(outcome);
    w.Key("changeset").String("server:" + std::to_string(result->changeset_seq));
    w.Key("log_seq").Uint(result->log_seq);
    if (closed) {
      w.Key("conflict");
      render::ConflictReviewJson(result->record, *closed, w);
    }
    w.EndObject();
    out << w.str() << "\n";
  } else {
    out << "resolved conflict " << req.conflict_id << " -> " << outcome << " (change-set server:" << result->changeset_seq
        << ", log " << result->log_seq << "); devices get it at their next sync\n";
  }
  return 0;
}

}  // namespace wardsync::server
