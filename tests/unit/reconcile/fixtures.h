// Builders for reconcile tests.
#pragma once
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/reconcile/merge.h"

namespace rtest {

using namespace wardsync;
using wardsync::changes::Change;
using wardsync::changes::ChangeId;
using wardsync::changes::FieldSet;
using wardsync::changes::Value;
using wardsync::records::RecordState;
using wardsync::records::Stamp;

inline const std::string kRid = std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\xff", 16);
inline const std::string kRidHex = "0102030405060708090a0b0c0d0e0fff";
inline const std::string kForm = "turnout";
inline const std::string kWard = "ward-07";

inline ChangeId Id(const std::string& device, uint64_t seq) {
  ChangeId id;
  id.set_device_id(device);
  id.set_seq(seq);
  return id;
}

inline Stamp S(const std::string& device, uint64_t seq, uint64_t hlc) {
  Stamp s;
  *s.mutable_change() = Id(device, seq);
  s.set_hlc(hlc);
  s.set_officer("officer-" + device);
  return s;
}

inline Value Int(int64_t v) {
  Value x;
  x.set_integer(v);
  return x;
}

inline Value Bool(bool v) {
  Value x;
  x.set_boolean(v);
  return x;
}

struct Set {
  std::string field;
  std::optional<Value> value = std::nullopt;
  std::optional<ChangeId> base = std::nullopt;  // nullopt: never set
};

inline Change Make(Change::Op op, const std::vector<Set>& sets) {
  Change c;
  c.set_record_id(kRid);
  c.set_form_id(kForm);
  c.set_form_version(1);
  c.set_ward(kWard);
  c.set_op(op);
  for (const auto& s : sets) {
    FieldSet* fs = c.add_sets();
    fs->set_field(s.field);
    if (s.value) *fs->mutable_value() = *s.value;
    if (s.base) *fs->mutable_base() = *s.base;
  }
  return c;
}

inline Change Create(const std::vector<Set>& sets) { return Make(Change::CREATE, sets); }
inline Change Update(const std::vector<Set>& sets) { return Make(Change::UPDATE, sets); }
inline Change Delete(const ChangeId& base) {
  Change c = Make(Change::DELETE, {});
  *c.mutable_base() = base;
  return c;
}
inline Change Resolve(const std::string& conflict_id, const std::vector<Set>& sets,
                      const std::string& reason = "checked the paper tally") {
  Change c = Make(Change::RESOLVE, sets);
  c.set_conflict_id(conflict_id);
  c.set_reason(reason);
  return c;
}

inline std::string Bytes(const google::protobuf::MessageLite& m) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    m.SerializeToCodedStream(&coded);
  }
  return out;
}

inline const reconcile::BaseLookup kNoLookup;

// Applies and requires success.
inline reconcile::ApplyOutcome Ok(RecordState& r, const Change& c, const Stamp& s, uint64_t log_seq = 0,
                                  const reconcile::BaseLookup& lookup = kNoLookup) {
  auto res = reconcile::Apply(r, c, s, log_seq, lookup);
  if (!res.ok()) throw std::runtime_error("Apply failed: " + res.status().message());
  return res.value();
}

inline int64_t IntOf(const RecordState& r, const std::string& field) {
  return r.fields().at(field).value().integer();
}

// A record created by device "c" (seq 1, hlc 100) with votes=10, turnout=50.
inline RecordState Base() {
  RecordState r;
  Ok(r, Create({{"votes", Int(10)}, {"turnout", Int(50)}}), S("c", 1, 100), 1);
  return r;
}

}  // namespace rtest
