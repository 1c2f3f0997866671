// Capture: turns an officer's (or reviewer's) action into one change-set.
// Works with no network at all.
//
// Each action is validated completely before anything is written (the same
// form validation the server runs: forms_util::ValidateChangeFields on the
// change, then reconcile::Apply on the local record and
// forms_util::ValidateRecordFields on the result). A refused action writes
// nothing. An accepted one is ONE durable write (ClientStore::CommitChangeSet)
// of the change-set in the outbox, its pending index, the new local record
// and the sync state (last_seq, last_hash, hlc): a crash loses nothing the
// officer saw saved.
//
// Change-set body: format 1, device_id and officer from the config, seq =
// state.last_seq + 1, prev_hash = state.last_hash (empty for seq 1), hlc from
// the hybrid logical clock continued from state.hlc, key_epoch =
// state.key_epoch (0: the enrollment key; see client/keys). It is saved
// unsigned: the sync signs the change-sets that end a signature run when it
// sends them, with the key of their epoch (PROTOCOL.md, Signatures; common/
// changes/signature_runs.h, SignRunHeads), so a save is one durable write
// and no signature.
//
// Authority is checked here as the server will check it, because a
// change-set the server refuses would block every later one of the chain:
// officers (and admins) create, edit and delete records of their own ward;
// reviewers (and admins) resolve conflicts.
//
// Thread-safe: each action holds the store's lock from its first read to its
// write.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "client/store/client_store.h"
#include "common/clock/clock.h"
#include "common/status.h"

namespace wardsync::client {

// NAME=VALUE pairs as typed; VALUE is parsed with forms_util::ParseValue. An
// empty VALUE leaves the field empty (New) or clears it (Edit).
using FieldTexts = std::vector<std::pair<std::string, std::string>>;

class Capture {
 public:
  // Both must outlive the Capture.
  Capture(ClientStore& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Creates a record of the latest version of form_id in this device's ward.
  // Returns its id as 32 hex digits.
  Result<std::string> New(const std::string& form_id, const FieldTexts& sets);
  // Sets fields of a live local record; each field's base is the version
  // shown locally.
  Status Edit(const std::string& record_id_hex, const FieldTexts& sets);
  // The same from a JSON object of field values (forms_util::JsonToFieldTexts:
  // a repeat group as an array of row objects), with the same checks.
  Result<std::string> NewFromJson(const std::string& form_id, std::string_view json, const FieldTexts& extra = {});
  // An edit writes only what differs from the record; a group's rows replace
  // the record's rows.
  Status EditFromJson(const std::string& record_id_hex, std::string_view json, const FieldTexts& extra = {});
  // Deletes a live local record (base: its version shown locally).
  Status Delete(const std::string& record_id_hex);
  // Closes an open conflict of the local view, either with candidate number
  // `pick` (1-based, in the order the conflict lists them) or with
  // `value_text` (a field conflict: a value for the field, "" clears it; the
  // whole-record conflict: "keep" or "delete").
  Status Resolve(const std::string& conflict_id, std::optional<size_t> pick, std::optional<std::string> value_text,
                 const std::string& reason);
  // From now on, a change that gives an attachment field a new value is
  // refused unless this device holds the bytes it names in `dir` (the data
  // directory's attachments): a record may name only bytes the device can
  // send. The CLI turns it on for `--set` / `--from-json` values; the
  // officer app checks the same before it calls (client/ui/attachment_intake.h).
  void RequireHeldAttachments(std::string dir) { attachments_dir_ = std::move(dir); }
  // Closes an open RULE or REJECTED conflict of the local view: `sets`
  // (NAME=VALUE, "" clears) writes values - for a RULE conflict one or more
  // of the rule's fields, and the record must then satisfy the rule; or, for
  // a REJECTED conflict, `dismiss` with no sets.
  Status ResolveReview(const std::string& conflict_id, const FieldTexts& sets, bool dismiss,
                       const std::string& reason);

 private:
  struct Context;
  Result<Context> Load();
  // Stamps, applies and validates `change` against `record` (the local
  // record, empty for CREATE), then commits. `validate_with`: the
  // form the resulting record must satisfy (nullptr: no record check).
  Status Commit(const Context& ctx, const changes::Change& change, records::RecordState record,
                const forms::FormDef* validate_with);

  ClientStore& store_;
  const Clock& clock_;
  std::string attachments_dir_;
};

}  // namespace wardsync::client
