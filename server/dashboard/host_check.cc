#include "server/dashboard/host_check.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace wardsync::server::dashboard {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// The host part of a Host header, lower case, without brackets, port or a
// trailing dot; "" when malformed.
std::string HostPart(std::string_view header) {
  if (header.empty()) return "";
  std::string_view host = header;
  if (header.front() == '[') {
    auto close = header.find(']');
    if (close == std::string_view::npos) return "";
    host = header.substr(1, close - 1);
    std::string_view rest = header.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return "";
  } else if (auto colon = header.find(':'); colon != std::string_view::npos) {
    if (header.find(':', colon + 1) != std::string_view::npos) return "";  // a bare IPv6 is not a valid Host
    host = header.substr(0, colon);
  }
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return Lower(host);
}

bool IsIpLiteral(const std::string& host) {
  in_addr v4{};
  in6_addr v6{};
  return inet_pton(AF_INET, host.c_str(), &v4) == 1 || inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

}  // namespace

HostCheck::HostCheck(const web::ListenAddress& listen, std::vector<std::string> names)
    : listen_host_(Lower(listen.host)),
      wildcard_(listen.host == "0.0.0.0" || listen.host == "::"),
      loopback_(listen.loopback) {
  for (auto& n : names) {
    std::string l = Lower(n);
    if (!l.empty() && l.back() == '.') l.pop_back();
    names_.push_back(std::move(l));
  }
}

bool HostCheck::Allows(std::string_view header) const {
  const std::string host = HostPart(header);
  if (host.empty()) return false;
  if (std::find(names_.begin(), names_.end(), host) != names_.end()) return true;
  if (host == "localhost") return loopback_ || wildcard_;
  if (!IsIpLiteral(host)) return false;
  if (wildcard_) return true;
  // One address has several spellings (::1 and 0:0:0:0:0:0:0:1): compare as addresses.
  in6_addr a{}, b{};
  in_addr a4{}, b4{};
  if (inet_pton(AF_INET, host.c_str(), &a4) == 1 && inet_pton(AF_INET, listen_host_.c_str(), &b4) == 1) {
    return a4.s_addr == b4.s_addr;
  }
  return inet_pton(AF_INET6, host.c_str(), &a) == 1 && inet_pton(AF_INET6, listen_host_.c_str(), &b) == 1 &&
         std::equal(std::begin(a.s6_addr), std::end(a.s6_addr), std::begin(b.s6_addr));
}

std::string HostCheck::Expected() const {
  std::string out = wildcard_ ? "an IP address of this server" : listen_host_;
  if (loopback_ || wildcard_) out += ", localhost";
  for (const auto& n : names_) out += ", " + n;
  return out + " (add a name with run --dashboard-name NAME)";
}

Status CheckDashboardName(const std::string& name) {
  const bool ok = !name.empty() && name.size() <= 253 && name.front() != '-' && name.front() != '.' &&
                  std::all_of(name.begin(), name.end(), [](unsigned char c) {
                    return std::isalnum(c) || c == '-' || c == '.';
                  });
  if (!ok) {
    return Status::Invalid("--dashboard-name: \"" + name +
                           "\" is not a host name (letters, digits, '-' and '.', without a port)");
  }
  return Status::Ok();
}

}  // namespace wardsync::server::dashboard
