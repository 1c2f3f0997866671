#include "common/web/web_common.h"

#include <arpa/inet.h>

#include <cstdlib>

namespace wardsync::web {

const std::vector<std::pair<std::string, std::string>>& SecurityHeaders() {
  static const std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
      {"Cache-Control", "no-store"}};
  return headers;
}

std::string ListenAddress::HostPort(int bound_port) const {
  const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return shown + ":" + std::to_string(bound_port);
}

Result<ListenAddress> ParseListen(const std::string& listen, const std::string& flag) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return Status::Invalid(flag + " expects IP:PORT, got \"" + listen + "\"");
  ListenAddress a;
  a.host = listen.substr(0, colon);
  if (a.host.size() > 2 && a.host.front() == '[' && a.host.back() == ']') a.host = a.host.substr(1, a.host.size() - 2);
  const std::string port_text = listen.substr(colon + 1);
  char* end = nullptr;
  long port = std::strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end || port < 0 || port > 65535) {
    return Status::Invalid(flag + ": \"" + port_text + "\" is not a port (0-65535)");
  }
  a.port = static_cast<int>(port);
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, a.host.c_str(), &v4) == 1) a.loopback = (ntohl(v4.s_addr) >> 24) == 127;
  else if (inet_pton(AF_INET6, a.host.c_str(), &v6) == 1) a.loopback = IN6_IS_ADDR_LOOPBACK(&v6);
  else return Status::Invalid(flag + ": \"" + a.host + "\" is not an IP address (e.g. 127.0.0.1)");
  return a;
}

std::string CookieValue(const std::string& header, const std::string& name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string part = header.substr(pos, end - pos);
    size_t start = part.find_first_not_of(' ');
    if (start != std::string::npos) part = part.substr(start);
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return "";
}

}  // namespace wardsync::web
