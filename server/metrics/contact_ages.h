// Devices by the age of their last contact, for the wardsync_devices gauge:
// a ward whose devices all drift into "over_24h" has gone quiet.
#pragma once
#include <cstdint>

#include "common/status.h"
#include "common/store/kv_store.h"
#include "server/metrics/server_metrics.h"

namespace wardsync::server {

// Reads every device row (a few hundred for a city: one scan per scrape).
// Revoked devices are left out (they are expected to fall silent), except
// a draining one, which is still expected to hand in what it holds.
Result<ServerMetrics::ContactAges> CountContactAges(KvStore& store, uint64_t now_ms);

}  // namespace wardsync::server
