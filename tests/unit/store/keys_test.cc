// common/store/keys.h and server/store/server_keys.h: the bytes of the
// server's keys (a stored layout: a change would orphan every stored key),
// and big-endian numbers, so that byte order is numeric order.
#include <catch2/catch.hpp>

#include <string>

#include "common/store/keys.h"
#include "server/store/server_keys.h"

namespace keys = wardsync::keys;
namespace server_keys = wardsync::server::keys;

namespace {

std::string U64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
  return out;
}

}  // namespace

TEST_CASE("keys: numbers are 8 big-endian bytes, so byte order is numeric order", "[unit][store][keys]") {
  std::string out = "x";
  keys::AppendU64(&out, 0x0102030405060708ULL);
  CHECK(out == std::string("x\x01\x02\x03\x04\x05\x06\x07\x08", 9));
  CHECK(keys::ReadU64(out.substr(1)) == 0x0102030405060708ULL);
  CHECK(keys::WithU64("p/", 255) < keys::WithU64("p/", 256));
  CHECK(keys::WithU64("p/", 0xffffffffffffffffULL) == "p/" + std::string(8, '\xff'));
  CHECK(keys::Make("rec/", std::string("\0id", 3)) == std::string("rec/\0id", 7));
  CHECK(keys::WithPartU64("a/", "b", '|', 7) == "a/b|" + U64(7));
}

TEST_CASE("keys: the server's per-record keys keep their stored layout", "[unit][store][keys]") {
  const std::string rid = std::string("0123456789abcde") + '\0';  // 16 bytes, any of them
  CHECK(server_keys::ChangeSet("dev-1", 42) == "cs/dev-1/" + U64(42));
  CHECK(server_keys::ChangeSet("dev-1", 42).compare(0, 9, server_keys::ChangeSetPrefix("dev-1")) == 0);
  CHECK(server_keys::WardLog("ward-7", 9) == "wlog/ward-7/" + U64(9));
  CHECK(server_keys::WardLog("ward-7", 9).compare(0, 12, server_keys::WardLogPrefix("ward-7")) == 0);
  CHECK(server_keys::RecordLog(rid, 3) == "rlog/" + rid + U64(3));
  CHECK(server_keys::RecordLog(rid, 3).compare(0, 21, server_keys::RecordLogPrefix(rid)) == 0);
  CHECK(server_keys::Log(5) == "log/" + U64(5));
  CHECK(server_keys::Record(rid) == "rec/" + rid);
  CHECK(server_keys::ChangeSet("dev-1", 9) < server_keys::ChangeSet("dev-1", 10));
}
