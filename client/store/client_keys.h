// Key layout of the ward client store (one LevelDB at ClientPaths::db()).
// Numbers are 8-byte big-endian so byte order is numeric order; record ids
// are the raw 16 bytes (fixed length, so "pend/<rid>" is a clean prefix).
//
//   cfg                            -> store.ClientConfig
//   state                          -> store.SyncState
//   form/<form id>/<version u64>   -> forms.FormDef      (never deleted while
//                                                         records may name it)
//   meta/wards                     -> forms.WardList
//   choice/<list id>/<version u64> -> forms.ChoiceListDef (published choice
//                                                         lists; never deleted)
//   srv/<record id>                -> records.RecordState (server view, as pulled;
//                                                         deterministic bytes)
//   loc/<record id>                -> records.RecordState (the local view, only
//                                                         where it differs: below)
//   out/<seq u64>                  -> store.OutboxEntry  (not yet acked; unsigned
//                                                         but for a key rotation)
//   pend/<record id><seq u64>      -> ""                 (pending change-set seq
//                                                         touching the record)
//   tls_session                    -> tag + DER          (TLS session to resume;
//                                                         see client/sync)
//   att/<sha256 hex>               -> store.AttachmentUpload (upload progress of
//                                                         an attachment; client/attach)
//
// Invariants kept by ClientStore:
//   - out/ holds exactly the seqs (state.acked_seq, state.last_seq];
//   - pend/<rid><seq> exists iff out/<seq> has a change for rid;
//   - the local view of rid (what the officer sees: ClientStore::LocalRecord,
//     ForEachLocal) is loc/<rid> if present, else srv/<rid>; it equals
//     srv/<rid> (or nothing) with the pend/<rid> changes applied in seq
//     order, except that a change acknowledged but not yet pulled back stays
//     in it until the pull brings the server view that holds it;
//   - loc/<rid> is present only where the local view may differ from
//     srv/<rid>: a change-set of this device touched rid (CommitChangeSet
//     writes it) and no pull has stored a server view of rid since with no
//     pend/<rid> left (ApplyPull then deletes it; with pend/<rid> left it
//     writes the overlay). A pulled record is thus stored once, under srv/
//     (session 12; the LevelDB compaction rewrote every record twice).
//
// Stores written before session 12 hold loc/<rid> for every srv/<rid>, with
// the same bytes when nothing is pending. They need no migration: loc/ wins,
// so every read gives what it gave before, and each such loc/ key goes the
// next time its record is pulled with nothing pending.
// Nothing else may read loc/ or srv/ directly as "the local records": go
// through ClientStore, which merges the two.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "common/store/keys.h"

namespace wardsync::client::keys {

inline constexpr std::string_view kConfig = "cfg";
inline constexpr std::string_view kState = "state";
inline constexpr std::string_view kTlsSession = "tls_session";
// The server address that answered last (config `server`/`more_servers`).
inline constexpr std::string_view kPreferredServer = "preferred_server";

inline constexpr std::string_view kFormPrefix = "form/";
inline std::string FormPrefix(std::string_view form_id) { return "form/" + std::string(form_id) + "/"; }
inline std::string Form(std::string_view form_id, uint64_t version) {
  return wardsync::keys::WithU64(FormPrefix(form_id), version);
}
inline constexpr std::string_view kWards = "meta/wards";
inline constexpr std::string_view kChoiceListPrefix = "choice/";
inline std::string ChoiceList(std::string_view list_id, uint64_t version) {
  return wardsync::keys::WithU64("choice/" + std::string(list_id) + "/", version);
}

inline constexpr std::string_view kServerRecordPrefix = "srv/";
inline std::string ServerRecord(std::string_view record_id) { return wardsync::keys::Make(kServerRecordPrefix, record_id); }

inline constexpr std::string_view kLocalRecordPrefix = "loc/";
inline std::string LocalRecord(std::string_view record_id) { return wardsync::keys::Make(kLocalRecordPrefix, record_id); }

inline constexpr std::string_view kOutboxPrefix = "out/";
inline std::string Outbox(uint64_t seq) { return wardsync::keys::WithU64(kOutboxPrefix, seq); }
inline uint64_t OutboxSeq(std::string_view key) { return wardsync::keys::ReadU64(key.substr(kOutboxPrefix.size())); }

inline constexpr std::string_view kAttachmentPrefix = "att/";
inline std::string Attachment(std::string_view sha256_hex) { return wardsync::keys::Make(kAttachmentPrefix, sha256_hex); }

inline constexpr std::string_view kPendingPrefix = "pend/";
inline std::string PendingPrefix(std::string_view record_id) { return wardsync::keys::Make(kPendingPrefix, record_id); }
inline std::string Pending(std::string_view record_id, uint64_t seq) {
  return wardsync::keys::WithU64(PendingPrefix(record_id), seq);
}
// The seq of a pend/ key: its last 8 bytes.
inline uint64_t PendingSeq(std::string_view key) {
  return key.size() < 8 ? 0 : wardsync::keys::ReadU64(key.substr(key.size() - 8));
}

}  // namespace wardsync::client::keys
