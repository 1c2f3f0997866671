// /metrics as a dashboard would serve it, for the tests: MountMetrics on an
// httplib server of the test's own on 127.0.0.1 (port 0), and plain HTTP
// GETs sent from a chosen loopback source address (127.0.0.2 is loopback on
// Linux too), so the allow list is tested on real peer addresses.
#pragma once
#include <httplib.h>

#include <cstdint>
#include <map>
#include <string>
#include <thread>

#include "server/metrics/mount_metrics.h"

namespace wardsync::test {

struct HttpAnswer {
  int status = 0;
  std::string body;
};

class MetricsHttp {
 public:
  MetricsHttp(const server::ServerMetrics& metrics, const server::CidrAllowList& allow);
  ~MetricsHttp();
  // GET `path` from `source` (an address of this host).
  HttpAnswer Get(const std::string& source = "127.0.0.1", const std::string& path = "/metrics") const;
  // A 200 answer's samples (REQUIREs 200).
  std::map<std::string, double> Samples() const;

 private:
  httplib::Server http_;
  std::thread thread_;
  int port_ = -1;
};

// The samples of a Prometheus text exposition: "name{labels}" -> value, as
// written by the serializer (labels in registration order).
std::map<std::string, double> ParseSamples(const std::string& text);

}  // namespace wardsync::test
