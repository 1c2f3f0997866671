// Compressed frames (common/wire/compression.h): the envelope round-trips,
// is used only where it saves bytes, and decompression is bounded by the
// frame limit before any memory is committed.
#include <zstd.h>

#include <catch2/catch.hpp>
#include <random>

#include "common/wire/compression.h"
#include "common/wire/framing.h"
#include "tests/support/stock_zstd.h"

using namespace wardsync;
using wire::ParseFramePayload;
using wire::SealCompressed;

namespace {

// A pull page of `n` look-alike records: compressible the way real pages are.
sync::Frame Page(int n) {
  sync::Frame f;
  auto* pb = f.mutable_pull_batch();
  for (int i = 0; i < n; ++i) {
    auto* r = pb->add_records();
    r->set_ward("phuong-hoang-van-thu");
    r->set_form_id("voter-meeting");
    r->set_record_id(std::string(15, 'r') + static_cast<char>(i));
  }
  pb->set_cursor(1234);
  pb->set_more(true);
  return f;
}

// An envelope by hand, as a peer could send any bytes.
std::string Envelope(const std::string& zstd_bytes) {
  sync::Frame f;
  f.set_zstd(zstd_bytes);
  return f.SerializeAsString();
}

// A zstd frame that does not declare its content size (streaming writers
// may omit it).
std::string CompressWithoutSize(const std::string& data) {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  REQUIRE(!ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 0)));
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress2(c, out.data(), out.size(), data.data(), data.size());
  ZSTD_freeCCtx(c);
  REQUIRE(!ZSTD_isError(n));
  out.resize(n);
  return out;
}

}  // namespace

TEST_CASE("a large frame is sealed smaller and opens to the same frame", "[wire][zstd]") {
  const sync::Frame page = Page(200);
  const std::string payload = page.SerializeAsString();
  REQUIRE(payload.size() >= wire::kCompressMinBytes);
  std::string envelope;
  REQUIRE(SealCompressed(payload, &envelope));
  CHECK(envelope.size() < payload.size() / 3);

  sync::Frame back;
  REQUIRE(ParseFramePayload(envelope, wire::kDefaultMaxFrameBytes, true, &back).ok());
  CHECK(back.SerializeAsString() == payload);
  // The hand-built envelope is what protobuf would build.
  sync::Frame parsed;
  REQUIRE(parsed.ParseFromString(envelope));
  CHECK(parsed.msg_case() == sync::Frame::kZstd);
}

TEST_CASE("small or incompressible frames go as they are", "[wire][zstd]") {
  std::string envelope = "untouched";
  const std::string small = Page(3).SerializeAsString();
  REQUIRE(small.size() < wire::kCompressMinBytes);
  CHECK_FALSE(SealCompressed(small, &envelope));

  std::mt19937 rng(7);
  std::string noise(4096, '\0');
  for (auto& c : noise) c = static_cast<char>(rng());
  sync::Frame f;
  f.mutable_push()->add_change_sets()->set_body(noise);
  CHECK_FALSE(SealCompressed(f.SerializeAsString(), &envelope));
  CHECK(envelope == "untouched");
  // An ordinary frame parses the same with compression allowed or not.
  sync::Frame back;
  CHECK(ParseFramePayload(small, 1 << 20, true, &back).ok());
  CHECK(ParseFramePayload(small, 1 << 20, false, &back).ok());
}

TEST_CASE("a compressed frame that would expand beyond the frame limit is refused", "[wire][zstd]") {
  // 64 MiB of zeros compress to a few KiB: a "zip bomb" under an 8 MiB limit.
  const std::string bomb = wire::ZstdCompress(std::string(64u << 20, '\0'));
  REQUIRE(bomb.size() < 16 * 1024);
  auto r = wire::ZstdDecompress(bomb, wire::kDefaultMaxFrameBytes);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("declares 67108864 decompressed bytes, outside 1..8388608") != std::string::npos);

  sync::Frame f;
  Status st = ParseFramePayload(Envelope(bomb), wire::kDefaultMaxFrameBytes, true, &f);
  REQUIRE_FALSE(st.ok());
  CHECK(st.code() == Status::Code::kInvalidArgument);
  CHECK(st.message().rfind("bad compressed frame: ", 0) == 0);

  // Just at the limit is fine; one byte over is not.
  const std::string exact = wire::ZstdCompress(std::string(1000, 'a'));
  CHECK(wire::ZstdDecompress(exact, 1000).ok());
  CHECK_FALSE(wire::ZstdDecompress(exact, 999).ok());
}

TEST_CASE("compressed frames that hide their size or are malformed are refused", "[wire][zstd]") {
  const std::string payload = Page(100).SerializeAsString();
  sync::Frame f;

  auto unknown = wire::ZstdDecompress(CompressWithoutSize(payload), wire::kDefaultMaxFrameBytes);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().message().find("does not declare its decompressed size") != std::string::npos);

  const std::string good = wire::ZstdCompress(payload);
  CHECK_FALSE(wire::ZstdDecompress(good + "x", wire::kDefaultMaxFrameBytes).ok());        // trailing bytes
  CHECK_FALSE(wire::ZstdDecompress(good + good, wire::kDefaultMaxFrameBytes).ok());       // two frames
  CHECK_FALSE(wire::ZstdDecompress(good.substr(0, good.size() - 3), 1 << 20).ok());        // truncated
  CHECK_FALSE(wire::ZstdDecompress("not zstd at all", 1 << 20).ok());
  CHECK_FALSE(wire::ZstdDecompress(wire::ZstdCompress(""), 1 << 20).ok());                 // empty frame

  // Not negotiated: an envelope is refused, not opened.
  Status off = ParseFramePayload(Envelope(good), wire::kDefaultMaxFrameBytes, false, &f);
  REQUIRE_FALSE(off.ok());
  CHECK(off.message().find("not negotiated") != std::string::npos);

  // An envelope inside an envelope.
  std::string inner;
  REQUIRE(SealCompressed(payload, &inner));
  Status nested = ParseFramePayload(Envelope(wire::ZstdCompress(inner)), wire::kDefaultMaxFrameBytes, true, &f);
  REQUIRE_FALSE(nested.ok());
  CHECK(nested.message().find("inside a compressed frame") != std::string::npos);

  // An envelope is a frame's only field: one beside another field is
  // refused, not opened (nothing but SealEnvelope makes an envelope).
  sync::Frame beside;
  beside.mutable_push_ack()->set_acked_seq(1);
  Status extra = ParseFramePayload(beside.SerializeAsString() + Envelope(good), wire::kDefaultMaxFrameBytes, true, &f);
  REQUIRE_FALSE(extra.ok());
  CHECK(extra.message().find("nothing but the compressed bytes") != std::string::npos);

  // Valid zstd, but not a Frame inside.
  Status garbage = ParseFramePayload(Envelope(wire::ZstdCompress(std::string(100, '\xff'))), 1 << 20, true, &f);
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.message().find("malformed frame") != std::string::npos);
}

namespace {

// The stock one-shot decoder, nothing of ours: what any peer's zstd does.
std::string StockDecode(const std::string& z) {
  auto out = test::StockZstdDecode(z);
  REQUIRE(out.has_value());
  return *out;
}

}  // namespace

TEST_CASE("a compressed frame with a raw tail spliced on decodes to both parts", "[wire][zstd]") {
  // Shared pull pages (server/pull/shared_pages.h): one compressed frame,
  // each device's tail added as raw blocks, never compressed again.
  std::mt19937 rng(7);
  std::string random(300 << 10, '\0');
  for (auto& c : random) c = static_cast<char>(rng());
  const std::string page = Page(2000).SerializeAsString();  // > 128 KiB: several compressed blocks
  const std::vector<std::string> shared_parts = {
      page,                        // compressed blocks
      std::string(5000, 'x'),      // one RLE block
      random.substr(0, 200 << 10), // incompressible: raw blocks
      "short",                     // one small block
  };
  const std::vector<std::string> tails = {"", "t", std::string(40, 'c'), random.substr(0, 300 << 10)};
  for (const auto& shared : shared_parts) {
    const std::string z = wire::ZstdCompress(shared);
    REQUIRE(!z.empty());
    for (const auto& tail : tails) {
      INFO("shared " << shared.size() << " tail " << tail.size());
      const std::string spliced = wire::ZstdAppendRaw(z, shared.size(), tail);
      REQUIRE(!spliced.empty());
      CHECK(StockDecode(spliced) == shared + tail);
      auto ours = wire::ZstdDecompress(spliced, 1u << 30);
      REQUIRE(ours.ok());
      CHECK(*ours == shared + tail);
      // Streaming decode too (what ZstdPeek and other peers use).
      std::string streamed(shared.size() + tail.size(), '\0');
      ZSTD_DCtx* d = ZSTD_createDCtx();
      ZSTD_inBuffer in{spliced.data(), spliced.size(), 0};
      ZSTD_outBuffer o{streamed.data(), streamed.size(), 0};
      size_t r = 1;
      while (r != 0 && !ZSTD_isError(r) && in.pos < in.size) r = ZSTD_decompressStream(d, &o, &in);
      ZSTD_freeDCtx(d);
      CHECK(r == 0);
      CHECK(o.pos == streamed.size());
      CHECK(streamed == shared + tail);
    }
  }
  // Not a frame of the stated size, or not a frame: refused, not guessed at.
  const std::string z = wire::ZstdCompress(page);
  CHECK(wire::ZstdAppendRaw(z, page.size() + 1, "t").empty());
  CHECK(wire::ZstdAppendRaw(z.substr(0, z.size() - 1), page.size(), "t").empty());
  CHECK(wire::ZstdAppendRaw("not zstd", 8, "t").empty());
}

TEST_CASE("two frames' worth of pull batch in one envelope open as one merged page", "[wire][zstd]") {
  // A shared page is Frame{pull_batch{records}} followed by the device's
  // Frame{pull_batch{cursor, more, remaining}}: protobuf merges the two.
  sync::Frame records = Page(300);
  records.mutable_pull_batch()->clear_cursor();
  records.mutable_pull_batch()->clear_more();
  sync::Frame tail;
  tail.mutable_pull_batch()->set_cursor(99);
  tail.mutable_pull_batch()->set_more(true);
  tail.mutable_pull_batch()->set_remaining(7);
  const std::string shared = records.SerializeAsString();
  const std::string envelope =
      wire::SealEnvelope(wire::ZstdAppendRaw(wire::ZstdCompress(shared), shared.size(), tail.SerializeAsString()));
  CHECK(wire::IsEnvelope(envelope));
  std::string again;
  CHECK_FALSE(SealCompressed(envelope, &again));  // sealed already: goes as it is
  sync::Frame got;
  REQUIRE(ParseFramePayload(envelope, 1u << 20, true, &got).ok());
  REQUIRE(got.has_pull_batch());
  CHECK(got.pull_batch().records_size() == 300);
  CHECK(got.pull_batch().records(299).record_id() == records.pull_batch().records(299).record_id());
  CHECK(got.pull_batch().cursor() == 99);
  CHECK(got.pull_batch().more());
  CHECK(got.pull_batch().remaining() == 7);
  CHECK_FALSE(wire::IsEnvelope(Page(3).SerializeAsString()));
}
