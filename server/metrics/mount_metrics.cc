#include "server/metrics/mount_metrics.h"

#include <httplib.h>

#include "common/util/log.h"

namespace wardsync::server {

void MountMetrics(httplib::Server& http, const ServerMetrics& metrics, const CidrAllowList& allow) {
  http.Get("/metrics", [&metrics, &allow](const httplib::Request& req, httplib::Response& res) {
    // The peer's own address: a proxy's X-Forwarded-For is not trusted here,
    // since anyone can send that header.
    if (!allow.Allows(req.remote_addr)) {
      util::LogLine("refused /metrics to " + req.remote_addr + ": not in --metrics-allow");
      res.status = 403;
      res.set_content("403 forbidden: " + req.remote_addr + " is not in --metrics-allow\n", "text/plain; charset=utf-8");
      return;
    }
    // Runs on an HTTP worker thread, not an asio handler: the scrape's store
    // read (devices by last contact) may block here.
    res.set_content(metrics.Scrape(), "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace wardsync::server
