#include "common/echo/own_echo.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <functional>

#include "common/crypto/digest.h"

namespace wardsync::echo {

namespace {

namespace gp = google::protobuf;

// Calls fn on every Stamp inside `msg`, at any depth (map values included:
// reflection shows a map as repeated entries).
void ForEachStamp(gp::Message* msg, const std::function<void(records::Stamp&)>& fn) {
  if (msg->GetDescriptor() == records::Stamp::descriptor()) {
    fn(*static_cast<records::Stamp*>(msg));
    return;
  }
  const gp::Reflection* refl = msg->GetReflection();
  std::vector<const gp::FieldDescriptor*> fields;
  refl->ListFields(*msg, &fields);
  for (const gp::FieldDescriptor* f : fields) {
    if (f->cpp_type() != gp::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      for (int i = 0; i < refl->FieldSize(*msg, f); ++i) ForEachStamp(refl->MutableRepeatedMessage(msg, f, i), fn);
    } else {
      ForEachStamp(refl->MutableMessage(msg, f), fn);
    }
  }
}

}  // namespace

bool OwnRange::Holds(const records::Stamp& s) const {
  return s.change().device_id() == device_id && s.change().seq() >= from_seq && s.change().seq() <= to_seq;
}

records::RecordState Normalize(const records::RecordState& record, const OwnRange& range) {
  records::RecordState out = record;
  out.set_log_seq(0);
  ForEachStamp(&out, [&](records::Stamp& s) {
    if (range.Holds(s)) s.set_received_ms(0);
  });
  return out;
}

std::string CanonicalBytes(const records::RecordState& record) {
  std::string out;
  {
    gp::io::StringOutputStream stream(&out);
    gp::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    record.SerializeToCodedStream(&coded);
  }
  return out;
}

uint64_t Digest(const records::RecordState& normalized) {
  const std::string h = crypto::Sha256(CanonicalBytes(normalized));
  uint64_t d = 0;
  for (int i = 7; i >= 0; --i) d = d << 8 | static_cast<uint8_t>(h[static_cast<size_t>(i)]);
  return d;
}

bool CollectTimes(const records::RecordState& record, const OwnRange& range, ReceivedTimes* times) {
  records::RecordState copy = record;  // ForEachStamp walks a mutable message
  bool consistent = true;
  ForEachStamp(&copy, [&](records::Stamp& s) {
    if (!range.Holds(s)) return;
    auto [it, added] = times->emplace(s.change().seq(), s.received_ms());
    if (!added && it->second != s.received_ms()) consistent = false;
  });
  return consistent;
}

void Fill(records::RecordState* record, const OwnRange& range, const ReceivedTimes& times, uint64_t log_seq) {
  record->set_log_seq(log_seq);
  ForEachStamp(record, [&](records::Stamp& s) {
    if (!range.Holds(s)) return;
    if (auto t = times.find(s.change().seq()); t != times.end()) s.set_received_ms(t->second);
  });
}

}  // namespace wardsync::echo
