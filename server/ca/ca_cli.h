// Command lines of the offline-CA flow (server/ca/):
//   wardsync-server ca init|sign-server ...    on the offline CA machine
//   wardsync-server cert request|install ...   on the online server
// `args` are the words after "ca" / "cert".
#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace wardsync::server {

int CaCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int CertCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// The usage lines, for `wardsync-server --help`.
void CaUsage(std::ostream& out);

}  // namespace wardsync::server
