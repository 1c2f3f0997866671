// The /metrics allow list: IPv4 and IPv6 CIDR blocks, bare addresses,
// IPv4-mapped IPv6 peers, and every malformed entry refused with its text.
#include <catch2/catch.hpp>

#include "server/metrics/cidr_allow_list.h"

using wardsync::server::CidrAllowList;

namespace {

CidrAllowList Must(const std::vector<std::string>& entries) {
  auto l = CidrAllowList::Parse(entries);
  INFO(l.status().message());
  REQUIRE(l.ok());
  return *l;
}

}  // namespace

TEST_CASE("the default allows loopback only", "[unit][metrics]") {
  const CidrAllowList l = CidrAllowList::Loopback();
  CHECK(l.Allows("127.0.0.1"));
  CHECK(l.Allows("127.255.0.9"));
  CHECK(l.Allows("::1"));
  CHECK(l.Allows("::ffff:127.0.0.1"));  // IPv4 on a dual-stack socket
  CHECK_FALSE(l.Allows("10.0.0.1"));
  CHECK_FALSE(l.Allows("128.0.0.1"));
  CHECK_FALSE(l.Allows("::2"));
  CHECK_FALSE(l.Allows("fe80::1"));
  CHECK(l.Describe() == std::vector<std::string>{"127.0.0.0/8", "::1/128"});
}

TEST_CASE("IPv4 blocks match on their prefix bits", "[unit][metrics]") {
  const CidrAllowList l = Must({"10.20.0.0/14", "192.168.1.77"});
  CHECK(l.Allows("10.20.0.1"));
  CHECK(l.Allows("10.23.255.255"));    // last address of the /14
  CHECK_FALSE(l.Allows("10.24.0.0"));  // first one after it
  CHECK_FALSE(l.Allows("10.19.255.255"));
  CHECK(l.Allows("192.168.1.77"));     // a bare address is a /32
  CHECK_FALSE(l.Allows("192.168.1.78"));
  CHECK(l.Allows("::ffff:10.21.3.4"));
  CHECK_FALSE(l.Allows("not an address"));
  CHECK_FALSE(l.Allows(""));
  // Host bits of an entry are cleared: the block is what it means.
  CHECK(Must({"10.21.3.4/14"}).Describe() == std::vector<std::string>{"10.20.0.0/14"});
}

TEST_CASE("IPv6 blocks match on their prefix bits", "[unit][metrics]") {
  const CidrAllowList l = Must({"2001:db8:abcd::/46", "fd00::5"});
  CHECK(l.Allows("2001:db8:abcd::1"));
  CHECK(l.Allows("2001:db8:abcf:ffff::1"));  // still inside the /46
  CHECK_FALSE(l.Allows("2001:db8:abd0::1"));
  CHECK(l.Allows("fd00::5"));
  CHECK_FALSE(l.Allows("fd00::6"));
  CHECK_FALSE(l.Allows("10.0.0.1"));
  CHECK(l.Describe() == std::vector<std::string>{"2001:db8:abcc::/46", "fd00::5/128"});
}

TEST_CASE("zero-length prefixes allow a whole family", "[unit][metrics]") {
  const CidrAllowList v4 = Must({"0.0.0.0/0"});
  CHECK(v4.Allows("203.0.113.9"));
  CHECK_FALSE(v4.Allows("2001:db8::1"));  // IPv4's /0 is not all of IPv6
  const CidrAllowList v6 = Must({"::/0"});
  CHECK(v6.Allows("2001:db8::1"));
  CHECK(v6.Allows("203.0.113.9"));  // as ::ffff:203.0.113.9
}

TEST_CASE("a malformed entry is refused and names itself", "[unit][metrics]") {
  const std::string bad = GENERATE("", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8x",
                                   "10.0.0.0/0008", "10.0.0/8", "example.org/24", "1.2.3.4 /8", "fe80::1%eth0");
  auto l = CidrAllowList::Parse({"127.0.0.1", bad});
  REQUIRE_FALSE(l.ok());
  CHECK(l.status().message().find("\"" + bad + "\"") != std::string::npos);
}
