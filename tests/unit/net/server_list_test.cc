#include <catch2/catch.hpp>

#include "common/crypto/digest.h"
#include "common/enroll/enroll_code.h"
#include "common/net/server_list.h"

using namespace wardsync;

TEST_CASE("a server list parses, normalises and refuses what cannot be an address list", "[net]") {
  auto one = net::ParseServerList("127.0.0.1:7443");
  REQUIRE(one.ok());
  CHECK(*one == std::vector<std::string>{"127.0.0.1:7443"});
  auto two = net::ParseServerList(" a.example:1 , [::1]:2");
  REQUIRE(two.ok());
  CHECK(*two == std::vector<std::string>{"a.example:1", "[::1]:2"});
  CHECK(net::JoinServerList(*two) == "a.example:1,[::1]:2");

  for (const char* bad : {"", " ", "a:1,", ",a:1", "a:1,,b:2", "a", "a:1,b", "a:99999", "a:1,a:1"}) {
    INFO(bad);
    CHECK_FALSE(net::ParseServerList(bad).ok());
  }
  std::string nine;
  for (int i = 1; i <= 9; ++i) nine += (i > 1 ? "," : "") + std::string("h:") + std::to_string(i);
  CHECK_FALSE(net::ParseServerList(nine).ok());
}

TEST_CASE("the address that answered last is tried first, then the others in order", "[net]") {
  const std::vector<std::string> servers{"a:1", "b:2", "c:3"};
  CHECK(net::ServerTryOrder(servers, "") == servers);
  CHECK(net::ServerTryOrder(servers, "b:2") == std::vector<std::string>{"b:2", "a:1", "c:3"});
  CHECK(net::ServerTryOrder(servers, "gone:9") == servers);  // an address no longer configured is ignored
}

TEST_CASE("an enrollment code carries several server addresses, within its 255 bytes", "[net]") {
  enroll::EnrollCode in{crypto::RandomBytes(32), crypto::RandomBytes(16), "10.0.0.1:7443,10.0.0.2:7443"};
  const std::string text = enroll::EncodeEnrollCode(in);
  REQUIRE_FALSE(text.empty());
  auto out = enroll::DecodeEnrollCode(text);
  REQUIRE(out.ok());
  CHECK(out->server == in.server);

  in.server = "10.0.0.1:7443,nonsense";
  CHECK(enroll::EncodeEnrollCode(in).empty());
  in.server.clear();
  for (int i = 0; i < 8; ++i) in.server += (i ? "," : "") + std::string(40, 'h') + ":7443";  // 367 bytes
  CHECK(enroll::EncodeEnrollCode(in).empty());
}
