// Attachments over the real sync: a real TLS server on 127.0.0.1, real
// LevelDB, devices driven through the client library, a FaultProxy to cut
// the connection anywhere in the transfer.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "client/attach/attachment_copy.h"
#include "client/attach/upload_state.h"
#include "client/client_paths.h"
#include "common/attach/attachment_value.h"
#include "common/crypto/digest.h"
#include "common/util/files.h"
#include "server/attach/attachment_files.h"
#include "tests/support/attachment_bytes.h"
#include "tests/support/device_fixture.h"
#include "tests/support/eventually.h"
#include "tests/support/fault_proxy.h"
#include "tests/support/server_fixture.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {

constexpr const char* kWard = "phuong-tan-lap";

// A form of the test's own with an optional photo (the election pack's own
// minutes form is another helper's work).
constexpr const char* kPhotoForm = R"({
  "id": "minutes-photo", "version": 1, "title": "Ảnh biên bản kiểm phiếu",
  "fields": [
    {"name": "area", "type": "TEXT", "label": "Khu vực bỏ phiếu", "required": true},
    {"name": "photo", "type": "ATTACHMENT", "label": "Ảnh biên bản",
     "mediaTypes": ["image/jpeg", "image/png", "application/pdf"], "maxBytes": "10485760"}
  ]
})";

std::string Jpeg(size_t n, uint32_t seed = 7) { return test::JpegBytes(n, seed); }
std::string HexHash(const std::string& bytes) { return test::HexSha256(bytes); }

std::string ReadAll(const std::string& path) { return test::FileBytes(path); }

struct Rig {
  TempDir files{"attach-files"};
  ServerFixture server;
  Rig() {
    const std::string form = files.Sub("minutes-photo.json");
    REQUIRE(util::WriteFileAtomic(form, kPhotoForm).ok());
    auto r = server.Admin({"forms", "publish", form});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  server::attach::AttachmentFiles Stored() { return server::attach::AttachmentFiles(server.data_dir() + "/attachments"); }

  // A device that has pulled the photo form.
  std::unique_ptr<DeviceFixture> Device() {
    auto d = std::make_unique<DeviceFixture>(server, kWard);
    d->SyncOk();
    return d;
  }
  // Writes `bytes` to a file and captures a record with it attached, as
  // `wardsync new --attach photo=FILE` does (copy first, then the record).
  std::string NewWithPhoto(DeviceFixture& d, const std::string& area, const std::string& bytes) {
    const std::string path = files.Sub(area + ".jpg");
    REQUIRE(util::WriteFileAtomic(path, bytes).ok());
    auto forms = d.store().CachedForms();
    REQUIRE(forms.ok());
    const forms::FormDef* form = (*forms)->Latest("minutes-photo");
    REQUIRE(form != nullptr);
    auto copied = client::attach::CopyIn(client::ClientPaths(d.data_dir()).attachments(), path, *form, form->fields(1));
    REQUIRE(copied.ok());
    return d.New("minutes-photo", {{"area", area}, {"photo", attach::FormatText(copied->value)}});
  }
};

void PointAt(DeviceFixture& d, const std::string& address) {
  auto cfg = d.store().Config();
  REQUIRE(cfg.ok());
  cfg->set_server(address);
  REQUIRE(d.store().SaveConfig(*cfg).ok());
}

std::vector<client::attach::PendingAttachment> Pending(DeviceFixture& d) {
  auto p = client::attach::PendingAttachments(d.store(), client::ClientPaths(d.data_dir()).attachments());
  REQUIRE(p.ok());
  return *p;
}

// Syncs until the server holds `hash`: right after a cut the server may not
// yet have seen its end of the old connection, whose transfer still holds
// the hash (the offer is then refused BUSY and the round retried).
bool SyncUntilStored(DeviceFixture& d, server::attach::AttachmentFiles& stored, const std::string& hash) {
  return Eventually([&] {
    auto r = d.Sync();
    return r.ok() && stored.Has(hash);
  });
}

// WARDSYNC_SEED reproduces a run (as the other fault tests do).
uint64_t TestSeed() {
  if (const char* s = std::getenv("WARDSYNC_SEED"); s && *s) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

uint64_t FileSizeOr0(const std::string& path) {
  std::error_code ec;
  auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : n;
}

}  // namespace

TEST_CASE("an attachment goes with its record's sync and arrives byte for byte", "[integration][attach]") {
  Rig rig;
  auto dev = rig.Device();
  const std::string photo = Jpeg(700'000, 1);
  const std::string id = rig.NewWithPhoto(*dev, "khu-vuc-1", photo);
  CHECK(Pending(*dev).size() == 1);

  auto r = dev->Sync();
  REQUIRE(r.ok());
  CHECK(r->pending_after == 0);
  CHECK(r->attachments_stored == 1);
  CHECK(r->attachment_bytes_sent == photo.size());
  auto stored = rig.Stored();
  REQUIRE(stored.Has(HexHash(photo)));
  CHECK(ReadAll(stored.CompletePath(HexHash(photo))) == photo);
  CHECK(Pending(*dev).empty());
  // The record names the hash; a second sync sends nothing more.
  auto again = dev->Sync();
  REQUIRE(again.ok());
  CHECK(again->attachment_bytes_sent == 0);
  CHECK(again->attachments_stored == 0);
}

TEST_CASE("an attachment transfer cut at many byte offsets resumes to identical bytes",
          "[integration][attach][faults]") {
  const uint64_t seed = TestSeed();
  INFO("seed " << seed << " (WARDSYNC_SEED=" << seed << " reproduces)");
  std::mt19937_64 rng(seed);
  Rig rig;
  auto dev = rig.Device();
  const std::string photo = Jpeg(3'000'000, static_cast<uint32_t>(seed));
  const std::string hash = HexHash(photo);
  rig.NewWithPhoto(*dev, "khu-vuc-2", photo);
  FaultProxy proxy(rig.server.port());
  PointAt(*dev, proxy.address());

  auto stored = rig.Stored();
  const std::string partial = stored.PartialPath(hash);
  client::SyncOptions quick;
  quick.io_timeout = std::chrono::seconds(5);
  // Each connection is cut after a random number of bytes up (the TLS
  // handshake, the hello and pushes, then somewhere in the chunks): the
  // record goes through on the first round, the bytes piece by piece.
  int cuts = 0;
  uint64_t held = 0;
  for (; cuts < 60 && !stored.Has(hash); ++cuts) {
    ProxyFault f;
    f.cut_up = 3'000 + rng() % 400'000;
    proxy.SetFault(f);
    auto r = dev->Sync(quick);
    if (r.ok()) continue;  // the cut fell after the last chunk (or the offer found the old transfer busy)
    // The server never holds more than was sent, never a wrong whole, and
    // what it holds only grows (it resumes, never restarts).
    const uint64_t now_held = FileSizeOr0(partial);
    CHECK(now_held <= photo.size());
    if (!stored.Has(hash)) CHECK(now_held >= held);
    held = now_held;
  }
  INFO("cuts: " << cuts);
  CHECK(cuts >= 5);  // the transfer really was cut many times
  // The server has every record already, whatever became of the bytes.
  CHECK(rig.server.Records().size() == 1);
  proxy.ClearFault();
  REQUIRE(SyncUntilStored(*dev, stored, hash));
  CHECK(ReadAll(stored.CompletePath(hash)) == photo);
  CHECK_FALSE(util::Exists(partial));
  CHECK(Pending(*dev).empty());
  // Resumed, not restarted: all the rounds together sent little more than
  // the photo once (each cut loses at most what was in flight).
  CHECK(proxy.stats().bytes_up < photo.size() + static_cast<uint64_t>(cuts) * 450'000);
}

TEST_CASE("a corrupted attachment is refused by its hash and nothing is stored", "[integration][attach]") {
  Rig rig;
  auto dev = rig.Device();
  const std::string photo = Jpeg(300'000, 3);
  const std::string hash = HexHash(photo);
  rig.NewWithPhoto(*dev, "khu-vuc-3", photo);
  // The copy on the device is damaged after capture: its chunks are not the
  // bytes the signed record names.
  const std::string copy = client::attach::CopyPath(client::ClientPaths(dev->data_dir()).attachments(), hash);
  std::string bad = photo;
  bad[123'456] ^= 0x40;
  REQUIRE(util::WriteFileAtomic(copy, bad).ok());

  auto r = dev->Sync();
  REQUIRE(r.ok());  // the record itself synced
  CHECK(r->pending_after == 0);
  CHECK(r->attachments_refused == 1);
  CHECK(r->attachments_stored == 0);
  auto stored = rig.Stored();
  CHECK_FALSE(stored.Has(hash));
  CHECK_FALSE(util::Exists(stored.PartialPath(hash)));  // the partial bytes discarded
  auto pending = Pending(*dev);
  REQUIRE(pending.size() == 1);
  CHECK_THAT(pending[0].last_error, Catch::Contains("HASH_MISMATCH") && Catch::Contains("damaged"));
  CHECK(rig.server.Records().size() == 1);
}

TEST_CASE("a record behind a large pending attachment is still synced and pulled", "[integration][attach]") {
  Rig rig;
  auto a = rig.Device();
  auto b = rig.Device();
  const std::string big = Jpeg(9'000'000, 4);
  const std::string with_photo = rig.NewWithPhoto(*a, "khu-vuc-4", big);
  const std::string after = a->New("minutes-photo", {{"area", "khu-vuc-5"}});  // made after the big photo
  FaultProxy proxy(rig.server.port());
  PointAt(*a, proxy.address());
  ProxyFault f;
  f.cut_up = 1'000'000;  // well inside the photo's chunks
  proxy.SetFault(f);
  auto r = a->Sync();
  CHECK_FALSE(r.ok());  // the round was cut in the bytes...
  CHECK_FALSE(rig.Stored().Has(HexHash(big)));
  // ...but both records are on the server and reach the ward's other device.
  CHECK(rig.server.Records().size() == 2);
  b->SyncOk();
  REQUIRE(b->Local(with_photo).has_value());
  REQUIRE(b->Local(after).has_value());
  CHECK(b->Local(with_photo)->fields().at("photo").value().attachment().sha256() == HexHash(big));
  CHECK(Pending(*b).empty());  // not b's to send: it holds no copy
  proxy.ClearFault();
  auto stored = rig.Stored();
  REQUIRE(SyncUntilStored(*a, stored, HexHash(big)));
  CHECK(ReadAll(stored.CompletePath(HexHash(big))) == big);
}

TEST_CASE("the same photo in two records, or from two devices, is sent once", "[integration][attach]") {
  Rig rig;
  auto a = rig.Device();
  auto b = rig.Device();
  const std::string photo = Jpeg(500'000, 5);
  rig.NewWithPhoto(*a, "khu-vuc-6", photo);
  rig.NewWithPhoto(*a, "khu-vuc-7", photo);
  CHECK(Pending(*a).size() == 1);
  auto r = a->Sync();
  REQUIRE(r.ok());
  CHECK(r->attachments_stored == 1);
  CHECK(r->attachment_bytes_sent == photo.size());
  // Another device attaches the same bytes: the server says it has them.
  rig.NewWithPhoto(*b, "khu-vuc-8", photo);
  auto rb = b->Sync();
  REQUIRE(rb.ok());
  CHECK(rb->attachments_stored == 1);
  CHECK(rb->attachment_bytes_sent == 0);
  CHECK(Pending(*b).empty());
  CHECK(ReadAll(rig.Stored().CompletePath(HexHash(photo))) == photo);
}

TEST_CASE("bytes that all arrived before a crash are checked and kept at the next offer", "[integration][attach]") {
  Rig rig;
  auto dev = rig.Device();
  const std::string photo = Jpeg(200'000, 6);
  const std::string hash = HexHash(photo);
  rig.NewWithPhoto(*dev, "khu-vuc-9", photo);
  // As if the server died after the last chunk was appended, before its check.
  auto stored = rig.Stored();
  REQUIRE(util::MakeDirs(rig.server.data_dir() + "/attachments/partial").ok());
  REQUIRE(util::WriteFileAtomic(stored.PartialPath(hash), photo, 0600).ok());
  auto r = dev->Sync();
  REQUIRE(r.ok());
  CHECK(r->attachments_stored == 1);
  CHECK(r->attachment_bytes_sent == 0);
  CHECK(ReadAll(stored.CompletePath(hash)) == photo);
  CHECK_FALSE(util::Exists(stored.PartialPath(hash)));
  CHECK(Pending(*dev).empty());
}
