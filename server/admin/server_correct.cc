#include "server/admin/server_correct.h"

#include "common/clock/record_hlc.h"
#include "common/changes/changeset.h"
#include "common/forms/form_registry.h"
#include "common/forms/validator.h"
#include "common/forms/value_text.h"
#include "common/store/proto_io.h"
#include "server/admin/server_change.h"
#include "server/audit/logged_change.h"
#include "server/store/server_keys.h"

namespace wardsync::server {

using wardsync::changes::Change;
using wardsync::records::RecordState;

Result<ServerCorrectResult> CorrectOnServer(Ingestor& ingestor, const ServerCorrectRequest& req) {
  ServerContext& ctx = ingestor.ctx();
  const std::string hex = changes_util::RecordIdText(req.record_id);
  if (req.sets.empty()) return Status::Invalid("nothing to correct: give --set FIELD=VALUE");
  if (req.reason.empty()) return Status::Invalid("--reason is required: say why the value is corrected");
  ServerCorrectResult out;
  Status s = GetProto(ctx.store, keys::Record(req.record_id), &out.before);
  if (s.not_found()) return Status::NotFound("no record " + hex);
  WS_RETURN_IF_ERROR(s);
  const RecordState& record = out.before;
  if (record.deleted()) return Status::Precondition("record " + hex + " is deleted; nothing was changed");
  auto forms = ctx.forms.Get();
  // The record's own form version; a placeholder (never created) takes the latest.
  const auto* form = record.placeholder() ? forms->registry.Latest(record.form_id())
                                          : forms->registry.Find(record.form_id(), record.form_version());
  if (form == nullptr) {
    return Status::Precondition("form " + record.form_id() + (record.placeholder() ? "" : " version " +
                                std::to_string(record.form_version())) + " of record " + hex + " is not published");
  }

  Change change;
  change.set_op(Change::UPDATE);
  change.set_record_id(record.record_id());
  change.set_form_id(record.form_id());
  change.set_form_version(form->version());
  change.set_ward(record.ward());
  change.set_reason(req.reason);
  *change.mutable_base() = record.last_change().change();  // it saw the whole record
  for (const auto& [name, text] : req.sets) {
    const auto* field = forms_util::FormRegistry::FindField(*form, name);
    if (field == nullptr) {
      std::string names;
      for (const auto& f : form->fields()) names += (names.empty() ? "" : ", ") + f.name();
      return Status::Invalid(form->id() + ": unknown field \"" + name + "\"; fields: " + names);
    }
    auto* fs = change.add_sets();
    fs->set_field(name);
    if (!text.empty()) {
      auto v = forms_util::ParseValue(*form, *field, text);
      if (!v.ok()) return v.status();
      *fs->mutable_value() = std::move(v).value();
    }
    if (auto cur = record.fields().find(name); cur != record.fields().end()) {
      *fs->mutable_base() = cur->second.stamp().change();
    }
  }
  WS_RETURN_IF_ERROR(forms_util::ValidateChangeFields(*form, change));

  auto cs = PrepareServerChange(ctx, change, req.officer, LargestHlc(record));
  if (!cs.ok()) return cs.status();
  RecordState trial = record;
  reconcile::ApplyOutcome outcome;
  s = TryServerChange(ctx, *cs, &trial, &outcome);
  if (!s.ok()) return Status::Invalid("the corrected record would not be valid: " + s.message() + "; nothing was changed");
  WS_RETURN_IF_ERROR(CommitServerChange(ingestor, *cs));
  WS_RETURN_IF_ERROR(GetProto(ctx.store, keys::Record(req.record_id), &out.record));
  out.changeset_seq = cs->body.seq();
  out.log_seq = out.record.log_seq();
  out.closed = outcome.closed;
  return out;
}

}  // namespace wardsync::server
