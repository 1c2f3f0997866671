#include "server/ingest/drain.h"

#include "common/store/proto_io.h"
#include "server/store/server_keys.h"

namespace wardsync::server {

using wardsync::store::Device;

uint64_t DrainCeiling(const Device& d, uint64_t now_ms) {
  if (!d.revoked() || !d.drain() || now_ms >= d.drain_deadline_ms()) return 0;
  return d.drain_until_seq();
}

bool DrainOpen(const Device& d, uint64_t now_ms) {
  if (!d.revoked() || !d.drain() || now_ms >= d.drain_deadline_ms()) return false;
  return d.drain_until_seq() == 0 || d.last_seq() < d.drain_until_seq();
}

std::string RevokedMessage(const Device& d) { return "device is revoked: " + d.revoked_reason(); }

Result<DrainDecision> DrainAtHello(ServerContext& ctx, const std::string& device_id, uint64_t acked_seq,
                                   uint64_t queue_depth) {
  DrainDecision out;
  WS_RETURN_IF_ERROR(GetProto(ctx.store, keys::Device(device_id), &out.device));
  Device& d = out.device;
  out.why = RevokedMessage(d);
  if (!d.revoked() || !d.drain()) return out;  // plainly revoked (or the caller raced an un-revoke: none exists)
  const uint64_t now = ctx.clock.NowMs();
  bool end = !DrainOpen(d, now);
  if (!end && d.drain_until_seq() == 0) {
    // First contact since the revocation: what the device holds now is all
    // the drain will ever take. Its hello may name an acknowledgement it
    // lost (acked_seq below what we hold); its head is acked + pending.
    const uint64_t head = acked_seq + queue_depth;
    if (head <= d.last_seq()) {
      end = true;  // nothing left to push
    } else {
      d.set_drain_until_seq(head);
      WriteBatch batch;
      PutProto(batch, keys::Device(device_id), d);
      WS_RETURN_IF_ERROR(ctx.store.Write(batch, /*sync=*/true));
    }
  }
  if (end) {
    d.set_drain(false);
    if (d.drain_until_seq() == 0) d.set_drain_until_seq(d.last_seq());
    WriteBatch batch;
    PutProto(batch, keys::Device(device_id), d);
    WS_RETURN_IF_ERROR(ctx.store.Write(batch, /*sync=*/true));
    return out;
  }
  out.admit = true;
  return out;
}

}  // namespace wardsync::server
