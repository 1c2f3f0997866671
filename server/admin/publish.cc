#include "server/admin/publish.h"

#include "common/store/proto_io.h"
#include "server/audit/unique_index.h"
#include "server/store/server_keys.h"

namespace wardsync::server {

namespace {

// Bumps the forms epoch with the batch (devices fetch forms and lists again
// when theirs differs) and reloads the snapshot; nothing when batch is empty.
Status CommitPublish(ServerContext& ctx, WriteBatch& batch, PublishResult* result) {
  result->epoch = ctx.forms.Get()->epoch;
  if (batch.empty()) return Status::Ok();
  ++result->epoch;
  std::string epoch;
  wardsync::keys::AppendU64(&epoch, result->epoch);
  batch.Put(std::string(keys::kFormsEpoch), epoch);
  WS_RETURN_IF_ERROR(ctx.store.Write(batch, /*sync=*/true));
  return LoadForms(ctx);
}

// Stages the lists not yet published into batch; a trial registry with
// what is published plus the new lists checks each list and refuses a
// changed (id, version) the way devices will.
Status StageChoiceLists(ServerContext& ctx, const std::vector<wardsync::forms::ChoiceListDef>& lists, WriteBatch& batch,
                        PublishResult* result) {
  forms_util::FormRegistry trial;
  auto current = ctx.forms.Get();
  for (const auto* l : current->registry.ChoiceLists()) WS_RETURN_IF_ERROR(trial.AddChoiceList(*l));
  for (const auto& l : lists) {
    const std::string name = l.id() + "@" + std::to_string(l.version());
    const auto* latest = trial.LatestChoiceList(l.id());
    const bool held = current->registry.HasChoiceList(l.id(), l.version());
    if (!held && latest != nullptr && l.version() < latest->version()) {
      return Status::Invalid("choice list \"" + l.id() + "\" version " + std::to_string(l.version()) +
                             " is older than the published version " + std::to_string(latest->version()) +
                             "; publish it as version " + std::to_string(latest->version() + 1));
    }
    WS_RETURN_IF_ERROR(trial.AddChoiceList(l));  // the list's checks; a changed (id, version) is refused
    if (held) {
      result->lists_unchanged.push_back(name);
      continue;
    }
    PutProto(batch, keys::ChoiceList(l.id(), l.version()), l);
    result->lists_published.push_back(name);
  }
  return Status::Ok();
}

Status StageForms(ServerContext& ctx, const std::vector<wardsync::forms::FormDef>& forms, WriteBatch& batch,
                  PublishResult* result) {
  for (const auto& f : forms) {
    const std::string name = f.id() + "@" + std::to_string(f.version());
    wardsync::forms::FormDef existing;
    Status s = GetProto(ctx.store, keys::Form(f.id(), f.version()), &existing);
    if (s.ok()) {
      if (existing.SerializeAsString() != f.SerializeAsString()) {
        return Status::Exists("form " + f.id() + " version " + std::to_string(f.version()) +
                              " is already published with a different definition; publish it as version " +
                              std::to_string(f.version() + 1));
      }
      result->unchanged.push_back(name);
      continue;
    }
    if (!s.not_found()) return s;
    PutProto(batch, keys::Form(f.id(), f.version()), f);
    result->published.push_back(name);
  }
  return Status::Ok();
}

// Writes the index entries records lack and removes the stale ones; runs
// in the committer (exclusive), so no ingest group holds index state meanwhile.
Status RepairUniqueIndex(ServerContext& ctx, PublishResult* result) {
  auto forms = ctx.forms.Get();
  auto diff = audit::DiffUniqueIndex(ctx.store, audit::KeyOfPublished(forms->registry));
  if (!diff.ok()) return diff.status();
  if (diff->missing.empty() && diff->stale.empty()) return Status::Ok();
  WriteBatch batch;
  for (const auto& e : diff->missing) batch.Put(e, "");
  for (const auto& e : diff->stale) batch.Delete(e);
  WS_RETURN_IF_ERROR(ctx.store.Write(batch, /*sync=*/true));
  result->keys_indexed = diff->missing.size();
  result->keys_removed = diff->stale.size();
  return Status::Ok();
}

}  // namespace

Result<PublishResult> PublishForms(ServerContext& ctx, const std::vector<wardsync::forms::FormDef>& forms,
                                   const std::optional<wardsync::forms::WardList>& wards,
                                   const std::vector<wardsync::forms::ChoiceListDef>& lists) {
  PublishResult result;
  WriteBatch batch;
  WS_RETURN_IF_ERROR(StageChoiceLists(ctx, lists, batch, &result));
  WS_RETURN_IF_ERROR(StageForms(ctx, forms, batch, &result));
  if (wards) {
    wardsync::forms::WardList current;
    Status s = GetProto(ctx.store, keys::kWards, &current);
    if (!s.ok() && !s.not_found()) return s;
    if (current.SerializeAsString() != wards->SerializeAsString()) {
      PutProto(batch, std::string(keys::kWards), *wards);
      result.wards_changed = true;
    }
  }
  WS_RETURN_IF_ERROR(CommitPublish(ctx, batch, &result));
  WS_RETURN_IF_ERROR(RepairUniqueIndex(ctx, &result));
  return result;
}

}  // namespace wardsync::server
