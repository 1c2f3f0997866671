// Apply: validation first (nothing is touched), then the mutation, which
// cannot fail. So a refused change leaves the record exactly as it was.
#include <algorithm>
#include <string>

#include "common/changes/seen_fields.h"
#include "common/reconcile/internal.h"
#include "common/reconcile/merge.h"
#include "common/reconcile/review.h"
#include "common/reconcile/verdict.h"

namespace wardsync::reconcile {
namespace {

using changes::Change;
using changes::ChangeId;
using changes::FieldSet;
using internal::Hex;
using internal::SameVersion;
using records::Candidate;
using records::Conflict;
using records::RecordState;
using records::Stamp;

constexpr size_t kRecordIdSize = 16;

std::string OpName(Change::Op op) {
  return Change::Op_IsValid(op) ? Change::Op_Name(op) : "op " + std::to_string(static_cast<int>(op));
}

// ---------------------------------------------------------------- validation

Status ValidateFieldSets(const Change& change) {
  changes_util::SeenFields seen;
  for (const auto& fs : change.sets()) {
    if (fs.field().empty()) return Status::Invalid("a field set has no field name");
    if (fs.field() == kDeletedMarkerField) {
      return Status::Invalid("field name \"" + fs.field() + "\" is reserved");
    }
    if (!seen.Insert(fs.field())) {
      return Status::Invalid("field \"" + fs.field() + "\" is set twice in one change");
    }
  }
  return Status::Ok();
}

Status ValidateResolve(const RecordState& r, const Change& change) {
  if (change.conflict_id().empty()) return Status::Invalid("RESOLVE names no conflict");
  const Conflict* c = internal::FindConflictById(r, change.conflict_id());
  if (c == nullptr) return Status::Precondition("conflict " + change.conflict_id() + " does not exist");
  // A closed conflict still takes a well-formed RESOLVE (recorded as late, see merge.h).
  if (c->kind() == records::REJECTED) {
    if (r.placeholder() && change.sets_size() > 0) {
      return Status::Invalid("RESOLVE of conflict " + c->id() + ": record " + Hex(r.record_id()) +
                             " was never created, so the rejected change can only be dismissed (no field sets)");
    }
    return ValidateFieldSets(change);
  }
  if (c->kind() == records::RULE) {
    if (change.sets_size() == 0) {
      return Status::Invalid("RESOLVE of rule conflict " + c->id() + " must set at least one of its fields");
    }
    for (const auto& fs : change.sets()) {
      if (std::find(c->fields().begin(), c->fields().end(), fs.field()) == c->fields().end()) {
        return Status::Invalid("RESOLVE of rule conflict " + c->id() + " sets field \"" + fs.field() +
                               "\", which the rule does not name");
      }
    }
    return ValidateFieldSets(change);
  }
  if (c->kind() == records::DUPLICATE) {
    // Dismiss (both are distinct reports) or delete this record.
    if (change.sets_size() == 0) return Status::Ok();
    if (change.sets_size() == 1 && change.sets(0).field() == kDeletedMarkerField &&
        change.sets(0).value().kind_case() == changes::Value::kBoolean) {
      return Status::Ok();
    }
    return Status::Invalid("RESOLVE of duplicate conflict " + c->id() + " may carry no field set (keep both) or one boolean \"" +
                           std::string(kDeletedMarkerField) + "\" (true: delete this record)");
  }
  if (c->kind() != records::VALUES) return Status::Invalid("conflict " + c->id() + " is of an unknown kind");
  if (!c->field().empty()) {
    if (change.sets_size() != 1 || change.sets(0).field() != c->field()) {
      return Status::Invalid("RESOLVE of conflict " + c->id() + " must set exactly field \"" +
                             c->field() + "\"");
    }
    return Status::Ok();
  }
  if (change.sets_size() == 0) return Status::Ok();
  if (change.sets_size() == 1 && change.sets(0).field() == kDeletedMarkerField &&
      change.sets(0).value().kind_case() == changes::Value::kBoolean) {
    return Status::Ok();
  }
  return Status::Invalid("RESOLVE of whole-record conflict " + c->id() +
                         " may only carry one boolean field set \"" + std::string(kDeletedMarkerField) +
                         "\"");
}

Status Validate(const RecordState& r, const Change& change, const Stamp& stamp) {
  if (stamp.change().device_id().empty() || stamp.change().seq() == 0) {
    return Status::Invalid("change stamp has no change id (device, seq)");
  }
  if (change.record_id().size() != kRecordIdSize) {
    return Status::Invalid("record id must be " + std::to_string(kRecordIdSize) + " bytes, got " +
                           std::to_string(change.record_id().size()));
  }
  // Only a refusal names the record: no hex text is made for a valid change.
  const auto hex = [&change] { return Hex(change.record_id()); };
  const Change::Op op = change.op();
  if (op != Change::CREATE && op != Change::UPDATE && op != Change::DELETE && op != Change::RESOLVE &&
      op != Change::REVIEW) {
    return Status::Invalid("record " + hex() + ": unknown change " + OpName(op));
  }

  if (!r.record_id().empty() && r.record_id() != change.record_id()) {
    return Status::Invalid("change for record " + hex() + " applied to record " + Hex(r.record_id()));
  }
  // A placeholder is created by a CREATE, or by an UPDATE acting as one.
  if (op == Change::CREATE || (op == Change::UPDATE && r.placeholder())) {
    if (Exists(r)) return Status::Exists("record " + hex() + " already exists");
    if (change.form_id().empty()) return Status::Invalid("CREATE of record " + hex() + " names no form");
    if (change.ward().empty()) return Status::Invalid("CREATE of record " + hex() + " names no ward");
    return ValidateFieldSets(change);
  }

  // A placeholder takes a RESOLVE of its REJECTED conflicts (dismissals).
  if (!Exists(r) && !(op == Change::RESOLVE && r.placeholder())) {
    return Status::Precondition("record " + hex() + " does not exist");
  }
  if (change.form_id() != r.form_id()) {
    return Status::Invalid(OpName(op) + " of record " + hex() + " names form \"" + change.form_id() +
                           "\" but the record belongs to form \"" + r.form_id() + "\"");
  }
  if (change.ward() != r.ward()) {
    return Status::Invalid(OpName(op) + " of record " + hex() + " names ward \"" + change.ward() +
                           "\" but the record belongs to ward \"" + r.ward() + "\"");
  }
  switch (op) {
    case Change::UPDATE:
      if (change.sets_size() == 0) return Status::Invalid("UPDATE of record " + hex() + " sets no field");
      return ValidateFieldSets(change);
    case Change::DELETE:
      if (change.sets_size() != 0) return Status::Invalid("DELETE of record " + hex() + " carries field sets");
      return Status::Ok();
    case Change::RESOLVE:
      return ValidateResolve(r, change);
    case Change::REVIEW:
      return ValidateVerdict(r, change);
    default:
      return Status::Internal("unreachable");
  }
}

// ---------------------------------------------------------------- mutation

void SetField(RecordState& r, const std::string& field, const changes::Value* value, const Stamp& stamp) {
  // Built in place, not moved in: a moved message is copied when it is not
  // on the record's arena (the server's ingest keeps records on one).
  records::FieldState& fs = (*r.mutable_fields())[field];
  fs.Clear();
  if (value != nullptr) *fs.mutable_value() = *value;
  *fs.mutable_stamp() = stamp;
}

// The field takes the provisional winner of its open conflict.
void SetFieldFromWinner(RecordState& r, const Conflict& c) {
  const int w = internal::ProvisionalWinner(c);
  if (w < 0) return;
  const Candidate& win = c.candidates(w);
  if (internal::IsEmpty(win.stamp().change())) {
    // The "never set" side won (only with a bogus base): the field is unset.
    r.mutable_fields()->erase(c.field());
    return;
  }
  SetField(r, c.field(), win.has_value() ? &win.value() : nullptr, win.stamp());
}

void SetDeletedFromWinner(RecordState& r, const Conflict& c) {
  const int w = internal::ProvisionalWinner(c);
  if (w >= 0) r.set_deleted(c.candidates(w).deleted());
}

Conflict& AddConflict(RecordState& r, std::string_view field, uint64_t log_seq, ApplyOutcome& out) {
  Conflict c;
  c.set_id(internal::NewConflictId(r, field));
  c.set_field(std::string(field));
  c.set_open(true);
  c.set_opened_seq(log_seq);
  out.opened.push_back(c.id());
  Conflict* added = r.add_conflicts();
  *added = std::move(c);
  return *added;
}

Candidate DeleteSide(bool deleted, const Stamp& stamp, const ChangeId* base) {
  Candidate c;
  c.set_deleted(deleted);
  *c.mutable_stamp() = stamp;
  if (base != nullptr) *c.mutable_base() = *base;
  return c;
}

void ApplyFieldSet(RecordState& r, const FieldSet& fs, const Stamp& stamp, uint64_t log_seq,
                   const BaseLookup& lookup, ApplyOutcome& out) {
  const std::string& field = fs.field();
  const auto it = r.fields().find(field);
  const bool had = it != r.fields().end();
  records::FieldState current;
  if (had) current = it->second;
  const bool saw = SameVersion(current.stamp().change(), fs.base());

  Candidate incoming;
  if (fs.has_value()) *incoming.mutable_value() = fs.value();
  *incoming.mutable_stamp() = stamp;
  *incoming.mutable_base() = fs.base();

  if (Conflict* open = internal::FindOpenConflictMutable(r, field)) {
    internal::InsertCandidate(*open, std::move(incoming));
    out.joined.push_back(open->id());
    if (!saw) out.concurrent = true;
    SetFieldFromWinner(r, *open);
    return;
  }
  if (saw) {
    SetField(r, field, fs.has_value() ? &fs.value() : nullptr, stamp);
    return;
  }
  // The editor did not see the current value: conflict.
  out.concurrent = true;
  std::optional<changes::Value> base_value;
  if (!internal::IsEmpty(fs.base()) && lookup) base_value = lookup(fs.base(), field);
  Conflict& c = AddConflict(r, field, log_seq, out);
  if (base_value) *c.mutable_base_value() = std::move(*base_value);
  Candidate existing;
  if (current.has_value()) *existing.mutable_value() = current.value();
  if (had) *existing.mutable_stamp() = current.stamp();  // its base is not recorded: left empty
  internal::InsertCandidate(c, std::move(existing));
  internal::InsertCandidate(c, std::move(incoming));
  SetFieldFromWinner(r, c);
}

void ApplyCreate(RecordState& r, const Change& change, const Stamp& stamp) {
  // A placeholder's REJECTED conflicts stay with the record.
  google::protobuf::RepeatedPtrField<Conflict> kept;
  kept.Swap(r.mutable_conflicts());
  r.Clear();
  r.mutable_conflicts()->Swap(&kept);
  r.set_record_id(change.record_id());
  r.set_form_id(change.form_id());
  r.set_form_version(change.form_version());
  r.set_ward(change.ward());
  *r.mutable_created() = stamp;
  for (const auto& fs : change.sets()) {
    if (fs.has_value()) SetField(r, fs.field(), &fs.value(), stamp);
  }
}

void ApplyUpdate(RecordState& r, const Change& change, const Stamp& stamp, uint64_t log_seq,
                 const BaseLookup& lookup, ApplyOutcome& out) {
  r.set_form_version(std::max(r.form_version(), change.form_version()));
  if (r.deleted()) {
    // Edit against delete: the edit is a "keep" candidate of the whole-record conflict.
    out.concurrent = true;
    Conflict* rc = internal::FindOpenConflictMutable(r, "");
    if (rc != nullptr) {
      out.joined.push_back(rc->id());
    } else {
      rc = &AddConflict(r, "", log_seq, out);
      // The delete is represented by the record version that carries it.
      internal::InsertCandidate(*rc, DeleteSide(true, r.last_change(), nullptr));
    }
    internal::InsertCandidate(*rc, DeleteSide(false, stamp, nullptr));
    SetDeletedFromWinner(r, *rc);
  }
  for (const auto& fs : change.sets()) ApplyFieldSet(r, fs, stamp, log_seq, lookup, out);
}

void ApplyDelete(RecordState& r, const Change& change, const Stamp& stamp, uint64_t log_seq,
                 ApplyOutcome& out) {
  const bool saw = SameVersion(change.base(), r.last_change().change());
  if (!saw) out.concurrent = true;
  if (Conflict* rc = internal::FindOpenConflictMutable(r, "")) {
    internal::InsertCandidate(*rc, DeleteSide(true, stamp, &change.base()));
    if (!saw && !r.deleted() && !internal::HasCandidateFrom(*rc, r.last_change().change())) {
      internal::InsertCandidate(*rc, DeleteSide(false, r.last_change(), nullptr));
    }
    out.joined.push_back(rc->id());
    SetDeletedFromWinner(r, *rc);
    return;
  }
  if (saw || r.deleted()) {
    r.set_deleted(true);
    return;
  }
  Conflict& c = AddConflict(r, "", log_seq, out);
  internal::InsertCandidate(c, DeleteSide(true, stamp, &change.base()));
  internal::InsertCandidate(c, DeleteSide(false, r.last_change(), nullptr));
  SetDeletedFromWinner(r, c);
}

// The decision a RESOLVE carries, as a candidate (value, or deleted for "";
// for RULE and REJECTED conflicts the first value it sets, if any).
Candidate Decision(const Conflict& c, const Change& change, const Stamp& stamp) {
  Candidate d;
  *d.mutable_stamp() = stamp;
  if (c.kind() == records::DUPLICATE) {
    d.set_deleted(change.sets_size() == 1 && change.sets(0).value().boolean());
  } else if (c.kind() != records::VALUES) {
    if (change.sets_size() > 0 && change.sets(0).has_value()) *d.mutable_value() = change.sets(0).value();
  } else if (!c.field().empty()) {
    const FieldSet& fs = change.sets(0);
    if (fs.has_value()) *d.mutable_value() = fs.value();
    *d.mutable_base() = fs.base();
  } else {
    d.set_deleted(change.sets_size() == 1 && change.sets(0).value().boolean());
  }
  return d;
}

void Close(Conflict& c, const Stamp& stamp, const std::string& reason, ApplyOutcome& out) {
  c.set_open(false);
  *c.mutable_resolved_by() = stamp;
  c.set_reason(reason);
  out.closed.push_back(c.id());
}

// An applied ordinary edit is the officer's fix of every rejected change of the record.
void CloseRejected(RecordState& r, const Stamp& stamp, ApplyOutcome& out) {
  for (auto& c : *r.mutable_conflicts()) {
    if (c.open() && c.kind() == records::REJECTED) {
      Close(c, stamp, "superseded by " + stamp.change().device_id() + "/" + std::to_string(stamp.change().seq()),
            out);
    }
  }
}

// Returns the id of the RULE conflict this RESOLVE decides (its closing
// waits for the rule review), or "".
std::string ApplyResolve(RecordState& r, const Change& change, const Stamp& stamp, ApplyOutcome& out) {
  Conflict* c = internal::FindConflictByIdMutable(r, change.conflict_id());  // validated: exists
  if (!c->open()) {
    records::LateResolution* late = c->add_late_resolutions();
    *late->mutable_decision() = Decision(*c, change, stamp);
    late->set_reason(change.reason());
    out.superseded.push_back(c->id());
    return "";
  }
  if (c->kind() == records::REJECTED || c->kind() == records::RULE) {
    // The reviewer's values, as they are (a decision, not an edit that may conflict).
    if (change.sets_size() > 0) r.set_form_version(std::max(r.form_version(), change.form_version()));
    for (const auto& fs : change.sets()) SetField(r, fs.field(), fs.has_value() ? &fs.value() : nullptr, stamp);
    if (c->kind() == records::RULE) return c->id();
    Close(*c, stamp, change.reason(), out);
    return "";
  }
  if (c->kind() == records::DUPLICATE) {
    if (change.sets_size() == 1 && change.sets(0).value().boolean()) r.set_deleted(true);
    Close(*c, stamp, change.reason(), out);
    return "";
  }
  if (!c->field().empty()) {
    r.set_form_version(std::max(r.form_version(), change.form_version()));
    const FieldSet& fs = change.sets(0);
    SetField(r, c->field(), fs.has_value() ? &fs.value() : nullptr, stamp);
  } else {
    r.set_deleted(change.sets_size() == 1 && change.sets(0).value().boolean());
  }
  Close(*c, stamp, change.reason(), out);
  return "";
}

bool Broken(const std::vector<RuleBreak>& broken, const std::string& rule) {
  for (const auto& b : broken) {
    if (b.rule == rule) return true;
  }
  return false;
}

// RULE conflicts after an applied change (see merge.h). `deciding`: the RULE
// conflict a RESOLVE decided ("" if none).
void ReviewRules(RecordState& r, const Change& change, const Stamp& stamp, uint64_t log_seq,
                 const std::string& deciding, const RuleCheck& rules, ApplyOutcome& out) {
  if (!rules) {
    // No form at hand (the client's own view): the reviewer's decision is taken as made.
    if (Conflict* c = internal::FindConflictByIdMutable(r, deciding)) Close(*c, stamp, change.reason(), out);
    return;
  }
  if (r.deleted() || r.placeholder()) return;
  const std::vector<RuleBreak> broken = rules(r);
  for (auto& c : *r.mutable_conflicts()) {
    if (!c.open() || c.kind() != records::RULE || Broken(broken, c.problem())) continue;
    if (c.id() == deciding) {
      Close(c, stamp, change.reason(), out);
    } else if (out.saw_record) {
      Close(c, stamp,
            "the rule holds after " + stamp.change().device_id() + "/" + std::to_string(stamp.change().seq()),
            out);
    }
  }
  for (const auto& b : broken) {
    bool open = false;
    for (const auto& c : r.conflicts()) open = open || (c.open() && c.kind() == records::RULE && c.problem() == b.rule);
    if (open) continue;
    Conflict c;
    c.set_id(internal::UniqueConflictId(r, RuleConflictId(r.record_id())));
    c.set_kind(records::RULE);
    c.set_open(true);
    c.set_opened_seq(log_seq);
    c.set_problem(b.rule);
    for (const auto& f : b.fields) c.add_fields(f);
    out.opened.push_back(c.id());
    *r.add_conflicts() = std::move(c);
  }
}

}  // namespace

bool Exists(const records::RecordState& record) { return !record.record_id().empty() && !record.placeholder(); }

Result<ApplyOutcome> Apply(records::RecordState& record, const changes::Change& change,
                           const records::Stamp& stamp, uint64_t log_seq, const BaseLookup& lookup,
                           const RuleCheck& rules) {
  WS_RETURN_IF_ERROR(Validate(record, change, stamp));
  ApplyOutcome out;
  std::string deciding;
  switch (change.op()) {
    case Change::CREATE:
      out.saw_record = true;
      ApplyCreate(record, change, stamp);
      break;
    case Change::UPDATE:
      if (record.placeholder()) {
        out.saw_record = true;  // nothing to see: it is the record's creation
        ApplyCreate(record, change, stamp);
      } else {
        out.saw_record = SameVersion(change.base(), record.last_change().change());
        ApplyUpdate(record, change, stamp, log_seq, lookup, out);
      }
      break;
    case Change::DELETE:
      ApplyDelete(record, change, stamp, log_seq, out);
      break;
    case Change::RESOLVE:
      deciding = ApplyResolve(record, change, stamp, out);
      break;
    case Change::REVIEW:
      // A verdict changes no value, conflict nor record version (verdict.h).
      ApplyVerdict(record, change, stamp);
      record.set_log_seq(log_seq);
      return out;
    default:
      return Status::Internal("unreachable: unvalidated op");
  }
  ResetVerdict(record, stamp);
  if (change.op() == Change::CREATE || change.op() == Change::UPDATE) CloseRejected(record, stamp, out);
  *record.mutable_last_change() = stamp;
  record.set_log_seq(log_seq);
  ReviewRules(record, change, stamp, log_seq, deciding, rules, out);
  return out;
}

}  // namespace wardsync::reconcile
