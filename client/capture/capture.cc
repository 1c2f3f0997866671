#include "client/capture/capture.h"

#include "common/wire/content_limits.h"

#include <algorithm>
#include <utility>

#include "client/attach/attachment_copy.h"
#include "client/sync/clock_offset.h"
#include "common/authority/role.h"
#include "common/changes/changeset.h"
#include "common/clock/hlc.h"
#include "common/clock/record_hlc.h"
#include "common/forms/field_path.h"
#include "common/forms/form_registry.h"
#include "common/forms/json_values.h"
#include "common/forms/validator.h"
#include "common/forms/value_text.h"
#include "common/reconcile/merge.h"
#include "common/resolution/resolution.h"

namespace wardsync::client {

using wardsync::changes::Change;
using wardsync::changes::ChangeSetBody;
using wardsync::changes::FieldSet;
using wardsync::forms::FieldDef;
using wardsync::forms::FormDef;
using wardsync::records::RecordState;
using wardsync::records::Stamp;

struct Capture::Context {
  store::ClientConfig config;
  store::SyncState state;
  std::shared_ptr<const forms_util::FormRegistry> forms;  // never null after Load
  std::shared_ptr<const forms::WardList> wards;  // never null after Load
};

namespace {

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Each attachment value the change gives a field must name bytes held in
// `dir`; a value the record already has (sent back unchanged) is not checked:
// this device may never have held another device's bytes.
Status CheckAttachmentsHeld(const Change& change, const RecordState& record, const std::string& dir) {
  for (const auto& set : change.sets()) {
    if (!set.has_value() || !set.value().has_attachment()) continue;
    auto now = record.fields().find(set.field());
    if (now != record.fields().end() && now->second.value().SerializeAsString() == set.value().SerializeAsString()) {
      continue;
    }
    if (Status held = attach::CheckHeld(dir, set.value().attachment()); !held.ok()) {
      return Status::Invalid("field \"" + set.field() + "\": " + held.message() +
                             " (give the file with --attach " + set.field() + "=FILE)");
    }
  }
  return Status::Ok();
}

Status MayWriteRecords(const store::ClientConfig& config) {
  if (authority::MayWriteRecords(config.role())) return Status::Ok();
  return Status::Denied("this device is enrolled as " + (config.role().empty() ? "(no role)" : config.role()) +
                        "; only officers create, edit or delete records");
}

Status MayResolve(const store::ClientConfig& config) {
  if (authority::MayResolve(config.role())) return Status::Ok();
  return Status::Denied("this device is enrolled as " + (config.role().empty() ? "(no role)" : config.role()) +
                        "; only reviewers resolve conflicts");
}

// An officer writes only records of its own ward (the server refuses the rest).
Status MayChangeRecord(const store::ClientConfig& config, const RecordState& record) {
  if (authority::BoundToWard(config.role()) && record.ward() != config.ward()) {
    return Status::Denied("record " + changes_util::RecordIdText(record.record_id()) + " belongs to ward " +
                          record.ward() + "; this device may only change records of ward " + config.ward());
  }
  return Status::Ok();
}

Result<std::string> ParseId(const std::string& text) {
  std::string raw;
  if (!changes_util::ParseRecordId(text, &raw)) return Status::Invalid(Quote(text) + " is not a record id (32 hex digits)");
  return raw;
}

std::string KnownForms(const forms_util::FormRegistry& forms) {
  std::string out;
  std::string last;
  for (const FormDef* f : forms.All()) {
    if (f->id() == last) continue;
    last = f->id();
    out += (out.empty() ? "" : ", ") + f->id();
  }
  return out;
}

Result<const FieldDef*> FindField(const FormDef& form, const std::string& name) {
  // Names of repeat-group rows too: "group[row]" and "group[row].sub".
  const FieldDef* field = forms_util::ResolveField(form, name);
  if (field != nullptr) return field;
  std::string names;
  for (const auto& f : form.fields()) names += (names.empty() ? "" : ", ") + f.name();
  return Status::Invalid(form.id() + ": unknown field " + Quote(name) + "; fields: " + names);
}

// The live local record with id `raw`, or why there is none.
Result<RecordState> LiveRecord(ClientStore& store, const std::string& raw) {
  auto loaded = store.LocalRecord(raw);
  if (!loaded.ok()) return loaded.status();
  const std::string hex = changes_util::RecordIdText(raw);
  if (!loaded->has_value()) return Status::NotFound("no record " + hex);
  RecordState record = std::move(**loaded);
  if (record.deleted()) return Status::Precondition("record " + hex + " is deleted");
  return record;
}

// The record (as this device sees it) holding the open conflict
// `conflict_id`, and that conflict's index in it.
Result<std::pair<RecordState, int>> OpenConflict(ClientStore& store, const std::string& raw,
                                                 const std::string& conflict_id) {
  auto found = store.LocalRecord(raw);
  if (!found.ok()) return found.status();
  if (!found->has_value()) return Status::NotFound("no record " + changes_util::RecordIdText(raw));
  RecordState record = std::move(**found);
  for (int i = 0; i < record.conflicts_size(); ++i) {
    if (record.conflicts(i).id() != conflict_id) continue;
    if (!record.conflicts(i).open()) return Status::Precondition("conflict " + conflict_id + " is already resolved");
    return std::make_pair(std::move(record), i);
  }
  return Status::NotFound("no conflict " + conflict_id);
}

// The form a change to `record` is made against: the record's own version,
// or the latest held if that version is not on this device.
Result<const FormDef*> RecordForm(const forms_util::FormRegistry& forms, const RecordState& record) {
  const FormDef* form = forms.Find(record.form_id(), record.form_version());
  if (form == nullptr) form = forms.Latest(record.form_id());
  if (form == nullptr) {
    return Status::Precondition("form " + Quote(record.form_id()) + " of record " +
                                changes_util::RecordIdText(record.record_id()) + " is not known on this device");
  }
  return form;
}

// Value for one field from typed text; nullopt for "" (empty / clear).
Result<std::optional<changes::Value>> ParseText(const FormDef& form, const FieldDef& field, const std::string& text) {
  if (text.empty()) return std::optional<changes::Value>();
  auto v = forms_util::ParseValue(form, field, text);
  if (!v.ok()) return v.status();
  return std::optional<changes::Value>(std::move(v).value());
}

Change Skeleton(Change::Op op, const RecordState& record, uint32_t form_version) {
  Change c;
  c.set_op(op);
  c.set_record_id(record.record_id());
  c.set_form_id(record.form_id());
  c.set_form_version(form_version);
  c.set_ward(record.ward());
  return c;
}

}  // namespace

Result<Capture::Context> Capture::Load() {
  Context ctx;
  auto config = store_.Config();
  if (!config.ok()) return config.status();
  ctx.config = std::move(config).value();
  if (ctx.config.device_id().empty()) return Status::Precondition("this device is not enrolled (no device id)");
  auto state = store_.State();
  if (!state.ok()) return state.status();
  ctx.state = std::move(state).value();
  auto forms = store_.CachedForms();
  if (!forms.ok()) return forms.status();
  ctx.forms = std::move(forms).value();
  auto wards = store_.CachedWards();
  if (!wards.ok()) return wards.status();
  ctx.wards = std::move(wards).value();
  return ctx;
}

Status Capture::Commit(const Context& ctx, const Change& change, RecordState record, const FormDef* validate_with) {
  HybridLogicalClock clock(clock_, ctx.state.hlc());
  clock.Observe(LargestHlc(record));  // causally after everything shown
  clock.BoundAhead(AllowedSkewMs(ctx.state));  // a clock set right is not held in the future (clock_offset.h)
  const uint64_t seq = ctx.state.last_seq() + 1;

  Stamp stamp;
  stamp.mutable_change()->set_device_id(ctx.config.device_id());
  stamp.mutable_change()->set_seq(seq);
  stamp.set_hlc(clock.Now());
  stamp.set_officer(ctx.config.officer());
  if (!attachments_dir_.empty()) WS_RETURN_IF_ERROR(CheckAttachmentsHeld(change, record, attachments_dir_));
  auto outcome = reconcile::Apply(record, change, stamp, 0, {});
  if (!outcome.ok()) return outcome.status();
  if (validate_with != nullptr && !outcome->concurrent && !record.deleted()) {
    WS_RETURN_IF_ERROR(forms_util::ValidateRecordFields(*validate_with, record.fields()));
  }

  ChangeSetBody body;
  body.set_format(1);
  body.set_device_id(ctx.config.device_id());
  body.set_seq(seq);
  body.set_prev_hash(ctx.state.last_hash());
  body.set_hlc(stamp.hlc());
  body.set_officer(ctx.config.officer());
  body.set_key_epoch(ctx.state.key_epoch());
  *body.add_changes() = change;
  // The server refuses a change-set over its size limits (officer name,
  // strings, fields; HelloReply.limits, or the protocol minimums before the
  // first sync), and a refused change-set would block the chain: say so now.
  if (Status s = wire::CheckChangeSetBody(body, body.ByteSizeLong() + 64, wire::ContentLimitsOf(ctx.state.server_limits()));
      !s.ok()) {
    return Status::Exhausted("not saved: " + s.message() + " (the server's limit)");
  }
  // Unsigned: the push signs it if it ends a run (SignRunHeads), with the
  // key of the epoch named here, read under the store's lock.
  return store_.CommitChangeSet(changes_util::Unsigned(body), {record}, clock_.NowMs());
}

Result<std::string> Capture::New(const std::string& form_id, const FieldTexts& sets) {
  auto lock = store_.Lock();
  auto loaded = Load();
  if (!loaded.ok()) return loaded.status();
  const Context& ctx = *loaded;
  WS_RETURN_IF_ERROR(MayWriteRecords(ctx.config));
  if (ctx.config.ward().empty()) return Status::Precondition("this device has no ward");
  if (ctx.wards->wards_size() > 0) {
    bool known = false;
    for (const auto& w : ctx.wards->wards()) known = known || w.id() == ctx.config.ward();
    if (!known) return Status::Precondition("ward " + ctx.config.ward() + " of this device is not in the ward list");
  }
  const FormDef* form = ctx.forms->Latest(form_id);
  if (form == nullptr) {
    const std::string known = KnownForms(*ctx.forms);
    return Status::Invalid("unknown form " + Quote(form_id) + "; " +
                           (known.empty() ? "no forms on this device yet (sync first)" : "known forms: " + known));
  }

  Change change;
  change.set_op(Change::CREATE);
  change.set_record_id(changes_util::NewRecordId());
  change.set_form_id(form->id());
  change.set_form_version(form->version());
  change.set_ward(ctx.config.ward());
  for (const auto& [name, text] : sets) {
    auto field = FindField(*form, name);
    if (!field.ok()) return field.status();
    auto value = ParseText(*form, **field, text);
    if (!value.ok()) return value.status();
    if (!value->has_value()) continue;  // left empty; a required field is reported below
    FieldSet* fs = change.add_sets();
    fs->set_field(name);
    *fs->mutable_value() = std::move(**value);
  }
  WS_RETURN_IF_ERROR(forms_util::ValidateChangeFields(*form, change));
  WS_RETURN_IF_ERROR(Commit(ctx, change, RecordState(), form));
  return changes_util::RecordIdText(change.record_id());
}

Result<std::string> Capture::NewFromJson(const std::string& form_id, std::string_view json, const FieldTexts& extra) {
  FieldTexts sets;
  {
    auto lock = store_.Lock();
    auto loaded = Load();
    if (!loaded.ok()) return loaded.status();
    const FormDef* form = loaded->forms->Latest(form_id);
    if (form != nullptr) {
      auto texts = forms_util::JsonToFieldTexts(*form, json, nullptr);
      if (!texts.ok()) return texts.status();
      sets = std::move(texts).value();
    }
  }  // New takes the lock itself, and reports an unknown form
  sets.insert(sets.end(), extra.begin(), extra.end());  // --attach values
  return New(form_id, sets);
}

Status Capture::EditFromJson(const std::string& record_id_hex, std::string_view json, const FieldTexts& extra) {
  FieldTexts sets;
  {
    auto raw = ParseId(record_id_hex);
    if (!raw.ok()) return raw.status();
    auto lock = store_.Lock();
    auto loaded = Load();
    if (!loaded.ok()) return loaded.status();
    auto record = LiveRecord(store_, *raw);
    if (!record.ok()) return record.status();
    auto form = RecordForm(*loaded->forms, *record);
    if (!form.ok()) return form.status();
    auto texts = forms_util::JsonToFieldTexts(**form, json, &record->fields());
    if (!texts.ok()) return texts.status();
    sets = std::move(texts).value();
  }
  sets.insert(sets.end(), extra.begin(), extra.end());  // --attach values
  if (sets.empty()) return Status::Invalid("nothing to change: the JSON holds the values the record already has");
  return Edit(record_id_hex, sets);
}

Status Capture::Edit(const std::string& record_id_hex, const FieldTexts& sets) {
  auto raw = ParseId(record_id_hex);
  if (!raw.ok()) return raw.status();
  auto lock = store_.Lock();
  auto loaded = Load();
  if (!loaded.ok()) return loaded.status();
  const Context& ctx = *loaded;
  WS_RETURN_IF_ERROR(MayWriteRecords(ctx.config));
  auto record = LiveRecord(store_, *raw);
  if (!record.ok()) return record.status();
  WS_RETURN_IF_ERROR(MayChangeRecord(ctx.config, *record));
  if (sets.empty()) return Status::Invalid("nothing to change: give at least one NAME=VALUE");
  auto form = RecordForm(*ctx.forms, *record);
  if (!form.ok()) return form.status();

  Change change = Skeleton(Change::UPDATE, *record, (*form)->version());
  // The record version this edit was made on: lets the server tell whether a
  // broken cross-field rule is this edit's doing or the merge of edits that
  // did not see each other.
  *change.mutable_base() = record->last_change().change();
  for (const auto& [name, text] : sets) {
    auto field = FindField(**form, name);
    if (!field.ok()) return field.status();
    auto value = ParseText(**form, **field, text);
    if (!value.ok()) return value.status();
    FieldSet* fs = change.add_sets();
    fs->set_field(name);
    if (value->has_value()) *fs->mutable_value() = std::move(**value);
    auto current = record->fields().find(name);
    if (current != record->fields().end()) *fs->mutable_base() = current->second.stamp().change();
  }
  WS_RETURN_IF_ERROR(forms_util::ValidateChangeFields(**form, change));
  return Commit(ctx, change, std::move(record).value(), *form);
}

Status Capture::Delete(const std::string& record_id_hex) {
  auto raw = ParseId(record_id_hex);
  if (!raw.ok()) return raw.status();
  auto lock = store_.Lock();
  auto loaded = Load();
  if (!loaded.ok()) return loaded.status();
  const Context& ctx = *loaded;
  WS_RETURN_IF_ERROR(MayWriteRecords(ctx.config));
  auto record = LiveRecord(store_, *raw);
  if (!record.ok()) return record.status();
  WS_RETURN_IF_ERROR(MayChangeRecord(ctx.config, *record));

  Change change = Skeleton(Change::DELETE, *record, record->form_version());
  *change.mutable_base() = record->last_change().change();
  return Commit(ctx, change, std::move(record).value(), nullptr);
}

Status Capture::Resolve(const std::string& conflict_id, std::optional<size_t> pick,
                        std::optional<std::string> value_text, const std::string& reason) {
  const size_t colon = conflict_id.find(':');
  std::string raw;
  if (colon == std::string::npos || !changes_util::ParseRecordId(conflict_id.substr(0, colon), &raw)) {
    return Status::Invalid(Quote(conflict_id) + " is not a conflict id (<record id>:<field>)");
  }
  if (pick.has_value() == value_text.has_value()) {
    return Status::Invalid("resolve conflict " + conflict_id + " with either a candidate number or a value");
  }
  auto lock = store_.Lock();
  auto loaded = Load();
  if (!loaded.ok()) return loaded.status();
  const Context& ctx = *loaded;
  WS_RETURN_IF_ERROR(MayResolve(ctx.config));
  auto found = OpenConflict(store_, raw, conflict_id);
  if (!found.ok()) return found.status();
  RecordState record = std::move(found->first);
  const records::Conflict* conflict = &record.conflicts(found->second);
  if (conflict->kind() != records::VALUES) {
    return Status::Invalid("conflict " + conflict_id + " is not between competing values: resolve it with --set "
                           "FIELD=VALUE" + (conflict->kind() == records::REJECTED ? " or --dismiss" : ""));
  }
  if (pick && (*pick < 1 || *pick > static_cast<size_t>(conflict->candidates_size()))) {
    return Status::Invalid("conflict " + conflict_id + " has " + std::to_string(conflict->candidates_size()) +
                           " candidates; pick 1.." + std::to_string(conflict->candidates_size()));
  }

  // The server checks a resolution against the record's own form version.
  const FormDef* form = ctx.forms->Find(record.form_id(), record.form_version());
  if (form == nullptr) {
    return Status::Precondition("form " + Quote(record.form_id()) + " version " +
                                std::to_string(record.form_version()) + " is not known on this device (sync first)");
  }
  auto built = resolution::Build(*form, record, *conflict, {pick, std::move(value_text)}, reason);
  if (!built.ok()) return built.status();
  return Commit(ctx, built->change, std::move(record), built->keep_rules ? form : nullptr);
}

Status Capture::ResolveReview(const std::string& conflict_id, const FieldTexts& sets, bool dismiss,
                              const std::string& reason) {
  const size_t colon = conflict_id.find(':');
  std::string raw;
  if (colon == std::string::npos || !changes_util::ParseRecordId(conflict_id.substr(0, colon), &raw)) {
    return Status::Invalid(Quote(conflict_id) + " is not a conflict id (<record id>:...)");
  }
  auto lock = store_.Lock();
  auto loaded = Load();
  if (!loaded.ok()) return loaded.status();
  const Context& ctx = *loaded;
  WS_RETURN_IF_ERROR(MayResolve(ctx.config));
  auto found = OpenConflict(store_, raw, conflict_id);
  if (!found.ok()) return found.status();
  RecordState record = std::move(found->first);
  // The server checks a resolution against the record's own form version
  // (a dismissal needs none: the form may be why the change was rejected).
  const FormDef* form = ctx.forms->Find(record.form_id(), record.form_version());
  auto built = resolution::BuildReview(form, record, record.conflicts(found->second), {sets, dismiss}, reason);
  if (!built.ok()) return built.status();
  return Commit(ctx, built->change, std::move(record), built->keep_rules ? form : nullptr);
}

}  // namespace wardsync::client
