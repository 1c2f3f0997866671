// A change-set as it arrives in a Push: parse the envelope and the body,
// verify the signature against the device key, then - as if the signature
// had verified (a device with a valid key can still send nonsense) - check
// every change against its form and apply it to the records it names with
// the reconcile rules, re-validating the result. Anything may be refused;
// nothing may crash, hang or hit undefined behaviour.
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "common/changes/changeset.h"
#include "common/crypto/ed25519.h"
#include "common/forms/validator.h"
#include "common/reconcile/merge.h"
#include "fuzz/forms_for_fuzz.h"
#include "proto/changes.pb.h"
#include "proto/records.pb.h"

using namespace wardsync;

namespace {

const crypto::PrivateKey& DeviceKey() {
  static const crypto::PrivateKey* key = [] {
    auto k = crypto::PrivateKey::Generate();
    if (!k.ok()) std::abort();
    return new crypto::PrivateKey(std::move(k).value());
  }();
  return *key;
}

}  // namespace

// Once per process, outside the per-input timeout: load the forms (and the
// key) and drop protobuf's log lines about invalid UTF-8 (expected here).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel, const char*, int, const std::string&) {});
  (void)fuzz::ElectionForms();
  (void)DeviceKey();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  changes::SignedChangeSet cs;
  if (!cs.ParseFromArray(data, static_cast<int>(size))) return 0;
  (void)changes_util::VerifySignature(cs, DeviceKey().PublicKeyRaw());
  (void)changes_util::BodyHash(cs);
  changes::ChangeSetBody body;
  if (!changes_util::ParseBody(cs, &body).ok()) return 0;
  // Re-signing and verifying a parsed body must always agree.
  changes::SignedChangeSet resigned = changes_util::Sign(body, DeviceKey());
  if (!changes_util::VerifySignature(resigned, DeviceKey().PublicKeyRaw())) __builtin_trap();

  const auto& registry = fuzz::ElectionForms();
  std::map<std::string, records::RecordState> records;
  uint64_t log_seq = 0;
  for (int i = 0; i < body.changes_size() && i < 64; ++i) {
    const changes::Change& change = body.changes(i);
    const forms::FormDef* form = registry.Find(change.form_id(), change.form_version());
    if (!form && change.op() != changes::Change::RESOLVE && change.op() != changes::Change::DELETE) continue;
    if (form && !forms_util::ValidateChangeFields(*form, change).ok()) continue;
    records::Stamp stamp;
    stamp.mutable_change()->set_device_id(body.device_id());
    stamp.mutable_change()->set_seq(body.seq());
    stamp.set_hlc(body.hlc() + i);
    stamp.set_officer(body.officer());
    records::RecordState& record = records[change.record_id()];
    const std::string before = record.SerializeAsString();
    auto applied = reconcile::Apply(record, change, stamp, ++log_seq, {});
    if (!applied.ok()) {
      // On error the record must be unchanged.
      if (record.SerializeAsString() != before) __builtin_trap();
      continue;
    }
    if (form && !applied->concurrent) (void)forms_util::ValidateRecordFields(*form, record.fields());
  }
  return 0;
}
