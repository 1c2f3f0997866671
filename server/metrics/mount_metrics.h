// GET /metrics on an HTTP server the caller runs (the dashboard's, or a
// test's own): Prometheus text format, no session needed, only for client
// addresses in `allow` (403 for any other, with nothing scraped).
#pragma once
#include "server/metrics/cidr_allow_list.h"
#include "server/metrics/server_metrics.h"

namespace httplib {
class Server;
}

namespace wardsync::server {

// `metrics` and `allow` must outlive `http` (or its last request).
void MountMetrics(httplib::Server& http, const ServerMetrics& metrics, const CidrAllowList& allow);

}  // namespace wardsync::server
