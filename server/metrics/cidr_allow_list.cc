#include "server/metrics/cidr_allow_list.h"

#include <arpa/inet.h>

#include <cstring>
#include <optional>

namespace wardsync::server {
namespace {

// IPv4 is compared as its IPv4-mapped IPv6 form, so a 10.0.0.0/8 entry also
// matches "::ffff:10.1.2.3" from a dual-stack listener.
constexpr unsigned kMappedBits = 96;

std::optional<std::array<uint8_t, 16>> ParseAddress(const std::string& text, bool* v4) {
  std::array<uint8_t, 16> a{};
  in_addr a4{};
  if (inet_pton(AF_INET, text.c_str(), &a4) == 1) {
    a[10] = a[11] = 0xff;
    std::memcpy(a.data() + 12, &a4, 4);
    *v4 = true;
    return a;
  }
  in6_addr a6{};
  if (inet_pton(AF_INET6, text.c_str(), &a6) == 1) {
    std::memcpy(a.data(), &a6, 16);
    *v4 = false;
    return a;
  }
  return std::nullopt;
}

bool SamePrefix(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, unsigned bits) {
  unsigned whole = bits / 8;
  if (std::memcmp(a.data(), b.data(), whole) != 0) return false;
  if (bits % 8 == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - bits % 8));
  return (a[whole] & mask) == (b[whole] & mask);
}

}  // namespace

CidrAllowList CidrAllowList::Loopback() { return *Parse({"127.0.0.0/8", "::1/128"}); }

Result<CidrAllowList> CidrAllowList::Parse(const std::vector<std::string>& entries) {
  CidrAllowList list;
  for (const std::string& e : entries) {
    const size_t slash = e.find('/');
    const std::string host = e.substr(0, slash);
    Block b;
    auto addr = ParseAddress(host, &b.v4);
    if (!addr) return Status::Invalid("\"" + e + "\" is not an IPv4 or IPv6 address or CIDR block");
    const unsigned max = b.v4 ? 32 : 128;
    unsigned bits = max;
    if (slash != std::string::npos) {
      const std::string p = e.substr(slash + 1);
      if (p.empty() || p.size() > 3 || p.find_first_not_of("0123456789") != std::string::npos ||
          std::stoul(p) > max) {
        return Status::Invalid("\"" + e + "\": the prefix length must be 0.." + std::to_string(max));
      }
      bits = static_cast<unsigned>(std::stoul(p));
    }
    b.prefix = b.v4 ? kMappedBits + bits : bits;
    // Host bits are cleared so Describe shows the block the entry really means.
    for (unsigned i = b.prefix; i < 128; ++i) (*addr)[i / 8] &= static_cast<uint8_t>(~(0x80 >> (i % 8)));
    b.addr = *addr;
    list.blocks_.push_back(b);
  }
  return list;
}

bool CidrAllowList::Allows(std::string_view address) const {
  bool v4 = false;
  auto a = ParseAddress(std::string(address), &v4);
  if (!a) return false;
  for (const Block& b : blocks_) {
    if (SamePrefix(*a, b.addr, b.prefix)) return true;
  }
  return false;
}

std::vector<std::string> CidrAllowList::Describe() const {
  std::vector<std::string> out;
  for (const Block& b : blocks_) {
    char text[INET6_ADDRSTRLEN] = {};
    if (b.v4) {
      inet_ntop(AF_INET, b.addr.data() + 12, text, sizeof text);
      out.push_back(std::string(text) + "/" + std::to_string(b.prefix - kMappedBits));
    } else {
      inet_ntop(AF_INET6, b.addr.data(), text, sizeof text);
      out.push_back(std::string(text) + "/" + std::to_string(b.prefix));
    }
  }
  return out;
}

}  // namespace wardsync::server
