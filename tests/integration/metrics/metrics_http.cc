#include "tests/integration/metrics/metrics_http.h"

#include <asio.hpp>
#include <catch2/catch.hpp>
#include <sstream>

namespace wardsync::test {

MetricsHttp::MetricsHttp(const server::ServerMetrics& metrics, const server::CidrAllowList& allow) {
  server::MountMetrics(http_, metrics, allow);
  port_ = http_.bind_to_any_port("127.0.0.1");
  REQUIRE(port_ > 0);
  // Bound and listening already: a GET sent before the loop runs waits in the backlog.
  thread_ = std::thread([this] { http_.listen_after_bind(); });
}

MetricsHttp::~MetricsHttp() {
  http_.stop();
  thread_.join();
}

HttpAnswer MetricsHttp::Get(const std::string& source, const std::string& path) const {
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  s.open(asio::ip::tcp::v4());
  s.bind({asio::ip::make_address(source), 0});
  s.connect({asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port_)});
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  asio::write(s, asio::buffer(request));
  std::string raw;
  asio::error_code ec;
  asio::read(s, asio::dynamic_buffer(raw), ec);  // to EOF (Connection: close)
  REQUIRE(ec == asio::error::eof);
  HttpAnswer a;
  REQUIRE(raw.rfind("HTTP/1.1 ", 0) == 0);
  a.status = std::stoi(raw.substr(9, 3));
  const size_t body = raw.find("\r\n\r\n");
  REQUIRE(body != std::string::npos);
  a.body = raw.substr(body + 4);
  return a;
}

std::map<std::string, double> MetricsHttp::Samples() const {
  HttpAnswer a = Get();
  INFO(a.body);
  REQUIRE(a.status == 200);
  return ParseSamples(a.body);
}

std::map<std::string, double> ParseSamples(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t sp = line.rfind(' ');
    REQUIRE(sp != std::string::npos);
    out[line.substr(0, sp)] = std::stod(line.substr(sp + 1));
  }
  return out;
}

}  // namespace wardsync::test
