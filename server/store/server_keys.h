// Key layout of the server store (one LevelDB). Numbers are big-endian so
// byte order is numeric order.
//   dev/<device id>                      -> store.Device
//   code/<hex sha256(secret)>            -> store.EnrollCode
//   cs/<device id>/<seq u64>             -> store.StoredChangeSet (bytes as received)
//   log/<log seq u64>                    -> store.LogEntry   (global, gap-free)
//   wlog/<ward>/<log seq u64>            -> record id (scope index for pulls by ward)
//   rlog/<record id 16 bytes><log seq u64> -> ""      (per-record index of the log, for history)
//   rec/<record id 16 bytes>             -> records.RecordState
//   form/<form id>/<version u64>         -> forms.FormDef
//   conf/<conflict id>                   -> record id (open conflicts only)
//   meta/log_head                        -> u64, last log seq
//   meta/forms_epoch                     -> u64, bumped on every publish
//   meta/wards                           -> forms.WardList
//   choice/<list id>/<version u64>       -> forms.ChoiceListDef (published choice lists; never deleted)
//   meta/store_format                    -> store.StoreFormat (common/store/store_format.h)
//   imp/<device id>/<first seq u64>      -> store.ImportRecord (who imported which change-sets)
//   user/<name>                          -> store.DashboardUser (dashboard accounts)
//   quar/<record id 16 bytes>            -> store.Quarantine (records held back from pull)
#pragma once
#include <string>
#include <string_view>

#include "common/store/keys.h"

namespace wardsync::server::keys {

inline std::string Device(std::string_view id) { return wardsync::keys::Make("dev/", id); }
inline constexpr std::string_view kDevicePrefix = "dev/";
inline std::string Code(std::string_view secret_hash_hex) { return wardsync::keys::Make("code/", secret_hash_hex); }
inline std::string ChangeSetPrefix(std::string_view device) { return "cs/" + std::string(device) + "/"; }
inline std::string ChangeSet(std::string_view device, uint64_t seq) {
  return wardsync::keys::WithPartU64("cs/", device, '/', seq);
}
inline constexpr std::string_view kLogPrefix = "log/";
inline std::string Log(uint64_t seq) { return wardsync::keys::WithU64(kLogPrefix, seq); }
inline std::string WardLogPrefix(std::string_view ward) { return "wlog/" + std::string(ward) + "/"; }
inline std::string WardLog(std::string_view ward, uint64_t seq) {
  return wardsync::keys::WithPartU64("wlog/", ward, '/', seq);
}
inline constexpr std::string_view kRecordLogPrefix = "rlog/";
inline std::string RecordLogPrefix(std::string_view record_id) { return wardsync::keys::Make(kRecordLogPrefix, record_id); }
inline std::string RecordLog(std::string_view record_id, uint64_t seq) {
  std::string k;  // no separator: the id has 16 bytes
  k.reserve(kRecordLogPrefix.size() + record_id.size() + 8);
  k.append(kRecordLogPrefix);
  k.append(record_id);
  wardsync::keys::AppendU64(&k, seq);
  return k;
}
inline constexpr std::string_view kRecordPrefix = "rec/";
inline std::string Record(std::string_view id) { return wardsync::keys::Make(kRecordPrefix, id); }
// Unique-key index (common/reconcile/duplicates.h): "ukey/" + key + "|" +
// record id (16 bytes) -> "". Holds every live record whose form declares a
// unique key and whose key fields are all set.
inline constexpr std::string_view kUniqueKeyPrefix = "ukey/";
inline std::string UniqueKeyPrefix(std::string_view key) { return std::string(kUniqueKeyPrefix) + std::string(key) + "|"; }
inline std::string UniqueKeyEntry(std::string_view key, std::string_view record_id) {
  return UniqueKeyPrefix(key) + std::string(record_id);
}
inline constexpr std::string_view kFormPrefix = "form/";
inline std::string Form(std::string_view id, uint64_t version) {
  return wardsync::keys::WithU64("form/" + std::string(id) + "/", version);
}
inline constexpr std::string_view kChoiceListPrefix = "choice/";
inline std::string ChoiceList(std::string_view id, uint64_t version) {
  return wardsync::keys::WithU64("choice/" + std::string(id) + "/", version);
}
inline constexpr std::string_view kOpenConflictPrefix = "conf/";
inline std::string OpenConflict(std::string_view id) { return wardsync::keys::Make(kOpenConflictPrefix, id); }
inline constexpr std::string_view kUserPrefix = "user/";
inline std::string User(std::string_view name) { return wardsync::keys::Make(kUserPrefix, name); }
// Dashboard sessions by the SHA-256 hex of their token (server/dashboard/session_table.h).
inline constexpr std::string_view kSessionPrefix = "sess/";
inline std::string DashSession(std::string_view token_hash) { return wardsync::keys::Make(kSessionPrefix, token_hash); }
inline std::string ImportPrefix(std::string_view device) { return "imp/" + std::string(device) + "/"; }
inline std::string Import(std::string_view device, uint64_t first_seq) {
  return wardsync::keys::WithU64(ImportPrefix(device), first_seq);
}
inline constexpr std::string_view kQuarantinePrefix = "quar/";
inline std::string Quarantine(std::string_view record_id) { return wardsync::keys::Make(kQuarantinePrefix, record_id); }
inline constexpr std::string_view kLogHead = "meta/log_head";
inline constexpr std::string_view kFormsEpoch = "meta/forms_epoch";
inline constexpr std::string_view kWards = "meta/wards";

}  // namespace wardsync::server::keys
