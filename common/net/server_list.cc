#include "common/net/server_list.h"

#include <algorithm>

#include "common/net/framed_stream.h"

namespace wardsync::net {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<std::vector<std::string>> ParseServerList(std::string_view text) {
  std::vector<std::string> out;
  if (Trim(text).empty()) return Status::Invalid("no server address given (HOST:PORT)");
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string_view item = Trim(text.substr(start, comma == std::string_view::npos ? text.npos : comma - start));
    if (item.empty()) return Status::Invalid("empty server address in \"" + std::string(text) + "\"");
    auto hp = ParseHostPort(item);
    if (!hp.ok()) return Status::Invalid("server address \"" + std::string(item) + "\": " + hp.status().message());
    std::string normal = FormatHostPort(hp->first, hp->second);
    if (std::find(out.begin(), out.end(), normal) != out.end()) {
      return Status::Invalid("server address " + normal + " is given twice");
    }
    out.push_back(std::move(normal));
    if (out.size() > kMaxServers) {
      return Status::Invalid("at most " + std::to_string(kMaxServers) + " server addresses are allowed");
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string JoinServerList(const std::vector<std::string>& servers) {
  std::string out;
  for (const auto& s : servers) {
    if (!out.empty()) out.push_back(',');
    out.append(s);
  }
  return out;
}

std::vector<std::string> ServerTryOrder(const std::vector<std::string>& servers, const std::string& preferred) {
  std::vector<std::string> order;
  if (std::find(servers.begin(), servers.end(), preferred) != servers.end()) order.push_back(preferred);
  for (const auto& s : servers) {
    if (s != preferred) order.push_back(s);
  }
  return order;
}

}  // namespace wardsync::net
