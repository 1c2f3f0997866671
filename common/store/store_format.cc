#include "common/store/store_format.h"

#include <chrono>

#include "proto/store.pb.h"

namespace wardsync {

std::string EncodeStoreFormat(const ExpectedFormat& format, std::string_view engine, std::string_view stamped_by) {
  wardsync::store::StoreFormat f;
  f.set_layout(format.layout);
  f.set_version(format.version);
  f.set_engine(std::string(engine));
  f.set_stamped_ms(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count()));
  f.set_stamped_by(std::string(stamped_by));
  return f.SerializeAsString();
}

Status CheckStoreFormat(KvStore& store, const ExpectedFormat& expected, MissingStamp missing,
                        std::string_view engine, std::string_view stamped_by) {
  std::string raw;
  Status s = store.Get(kStoreFormatKey, &raw);
  if (s.not_found()) {
    if (missing == MissingStamp::kAccept) return Status::Ok();
    WriteBatch batch;
    batch.Put(std::string(kStoreFormatKey), EncodeStoreFormat(expected, engine, stamped_by));
    Status w = store.Write(batch, /*sync=*/true);
    if (!w.ok()) return Status::Io("cannot stamp the store's format: " + w.message());
    return Status::Ok();
  }
  if (!s.ok()) return s;
  wardsync::store::StoreFormat f;
  if (!f.ParseFromString(raw)) {
    return Status::Corruption("the store's format stamp (" + std::string(kStoreFormatKey) + ") does not parse");
  }
  if (f.layout() != expected.layout || f.version() != expected.version) {
    return Status::Precondition("the store holds format \"" + f.layout() + "\" version " +
                                std::to_string(f.version()) + " (stamped by " + f.stamped_by() +
                                "), this program reads \"" + expected.layout + "\" version " +
                                std::to_string(expected.version) +
                                ": refusing to open it (use the wardsync-server release that wrote it, or restore a "
                                "backup made for this one)");
  }
  return Status::Ok();
}

}  // namespace wardsync
