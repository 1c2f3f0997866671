// The dashboard answers only requests addressed to it (DNS rebinding): a
// page of another site whose name the attacker re-points at the server's
// address reaches it with the attacker's name in Host, so any Host that is
// not this server's is refused before routing (403), as the officer app
// does (client/ui/ui_server.cc).
//
// Allowed hosts (the port is not compared: a reverse proxy or a port
// forward may change it, and a name, not a port, is what rebinding abuses):
// - the listen address itself; any IP literal when listening on a wildcard
//   address (0.0.0.0, ::), since no attacker's page can be served under an
//   IP literal of ours;
// - "localhost" when listening on loopback or a wildcard address;
// - every name given with `run --dashboard-name NAME` (the name in the
//   committee's certificate, or the reverse proxy's), case-insensitively.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/web/web_common.h"

namespace wardsync::server::dashboard {

class HostCheck {
 public:
  HostCheck() = default;
  HostCheck(const web::ListenAddress& listen, std::vector<std::string> names);

  // `host_header` as sent ("name", "name:port", "1.2.3.4:port", "[::1]:port").
  bool Allows(std::string_view host_header) const;
  // For the refusal: what this server answers to.
  std::string Expected() const;

 private:
  std::string listen_host_;
  bool wildcard_ = false;
  bool loopback_ = false;
  std::vector<std::string> names_;   // lower case
};

// A --dashboard-name value: a DNS name (letters, digits, '-', '.'), no port.
Status CheckDashboardName(const std::string& name);

}  // namespace wardsync::server::dashboard
