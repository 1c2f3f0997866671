// A photo of signed minutes through the two binaries: `wardsync new
// --attach`, `wardsync sync`, `wardsync status`, `wardsync-server
// attachment HASH --out FILE`, and `export` naming it by its hash.
#include <catch2/catch.hpp>

#include <fstream>
#include <random>

#include "common/crypto/digest.h"
#include "common/util/files.h"
#include "tests/e2e/core/cli_fixture.h"
#include "tests/support/attachment_bytes.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {

const std::string kWard = "phuong-hoang-van-thu";

constexpr const char* kPhotoForm = R"({
  "id": "minutes-photo", "version": 1, "title": "Ảnh biên bản kiểm phiếu",
  "fields": [
    {"name": "area", "type": "TEXT", "label": "Khu vực bỏ phiếu", "required": true},
    {"name": "photo", "type": "ATTACHMENT", "label": "Ảnh biên bản", "mediaTypes": ["image/jpeg", "application/pdf"]}
  ]
})";

std::string ReadAll(const std::string& path) { return test::FileBytes(path); }

}  // namespace

TEST_CASE("wardsync new --attach, sync, and the server gives the same bytes back", "[e2e][attach]") {
  TempDir files("e2e-attach");
  ServerProcess server;
  server.Start();
  const std::string form = files.Sub("minutes-photo.json");
  REQUIRE(util::WriteFileAtomic(form, kPhotoForm).ok());
  auto published = server.Admin({"forms", "publish", form});
  INFO(published.err);
  REQUIRE(published.exit_code == 0);
  ClientProcess c(server, kWard);

  // A PDF of 1.5 MB (more than one chunk), named by the officer.
  std::mt19937 rng(11);
  std::string pdf = "%PDF-1.4\n";
  while (pdf.size() < 1'500'000) pdf.push_back(static_cast<char>(rng()));
  const std::string file = files.Sub("Biên bản khu vực 1.pdf");
  REQUIRE(util::WriteFileAtomic(file, pdf).ok());
  const std::string hash = crypto::Hex(crypto::Sha256(pdf));

  // A type the form does not allow is refused, naming the field; nothing stored.
  const std::string png = files.Sub("anh.png");
  REQUIRE(util::WriteFileAtomic(png, std::string("\x89PNG\r\n\x1A\n....", 12)).ok());
  auto bad = c.Run({"new", "--form", "minutes-photo", "--set", "area=KV1", "--attach", "photo=" + png});
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.err, Catch::Contains("photo") && Catch::Contains("not allowed here"));
  CHECK(Items(c.Json({"list"})).size() == 0);

  auto made = c.Run({"new", "--form", "minutes-photo", "--set", "area=KV1", "--attach", "photo=" + file, "--json"});
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  const std::string id = Str(At(ParseJson(made.out), "id"));
  auto shown = c.Json({"show", id});
  CHECK(Str(At(At(At(shown, "fields"), "photo"), "sha256")) == hash);

  // A value typed with --set (or --from-json) must name bytes this device
  // holds: a record naming a file nobody can send would never be complete.
  const std::string ghost = R"({"sha256":")" + std::string(64, 'e') +
                            R"(","size":4096,"media_type":"application/pdf","name":"khong-co.pdf"})";
  auto unheld = c.Run({"new", "--form", "minutes-photo", "--set", "area=KV2", "--set", "photo=" + ghost});
  CHECK(unheld.exit_code == 1);
  CHECK_THAT(unheld.err, Catch::Contains("khong-co.pdf") && Catch::Contains("is not on this device") &&
                             Catch::Contains("--attach photo=FILE"));
  auto unheld_edit = c.Run({"edit", id, "--set", "photo=" + ghost});
  CHECK(unheld_edit.exit_code == 1);
  CHECK(Items(c.Json({"list"})).size() == 1);
  CHECK(Str(At(At(At(c.Json({"show", id}), "fields"), "photo"), "sha256")) == hash);
  // The value it holds may be typed back (a record edited field by field).
  auto held = At(At(shown, "fields"), "photo");
  const std::string held_text = R"({"sha256":")" + hash + R"(","size":)" + std::to_string(pdf.size()) +
                                R"(,"media_type":"application/pdf","name":")" + Str(At(held, "name")) + R"("})";
  auto again = c.Run({"new", "--form", "minutes-photo", "--set", "area=KV3", "--set", "photo=" + held_text});
  INFO(again.err);
  CHECK(again.exit_code == 0);

  auto before = c.Json({"status"});
  REQUIRE(Items(At(before, "attachments_pending")).size() == 1);
  CHECK(Num(At(Items(At(before, "attachments_pending"))[0], "size")) == pdf.size());

  auto synced = c.Json({"sync"});
  CHECK(Num(At(synced, "attachments_stored")) == 1);
  CHECK(Num(At(synced, "attachment_bytes_sent")) == pdf.size());
  CHECK(Items(At(c.Json({"status"}), "attachments_pending")).size() == 0);

  // Given back by the server (while it runs), byte for byte.
  const std::string out = files.Sub("back.pdf");
  auto back = server.Admin({"attachment", hash, "--out", out});
  INFO(back.err);
  REQUIRE(back.exit_code == 0);
  CHECK(ReadAll(out) == pdf);
  // The export names it by its hash.
  auto csv = server.Admin({"export", "--form", "minutes-photo", "--format", "csv"});
  REQUIRE(csv.exit_code == 0);
  CHECK_THAT(csv.out, Catch::Contains(hash));
  // An attachment the server does not hold, and a malformed name.
  auto missing = server.Admin({"attachment", std::string(64, '0'), "--out", files.Sub("x")});
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Catch::Contains("does not hold"));
  auto malformed = server.Admin({"attachment", "abc", "--out", files.Sub("x")});
  CHECK(malformed.exit_code == 2);
  CHECK_FALSE(util::Exists(files.Sub("x")));
  CHECK(server.Stop() == 0);
}

TEST_CASE("the election pack's tally minutes take the photo of the signed minutes with --from-json --attach",
          "[e2e][attach]") {
  TempDir files("e2e-attach-minutes");
  ServerProcess server;
  server.Start();
  ClientProcess c(server, kWard);
  const std::string values = files.Sub("kv5.json");
  REQUIRE(util::WriteFileAtomic(values, R"({
    "level": "quoc-hoi", "constituency": "qh-dv1", "polling_area": "phuong-hoang-van-thu-kv02", "seats": 1,
    "voters_listed": 500, "voters_voted": 480, "ballots_issued": 480, "ballots_received": 479,
    "valid_ballots": 470, "invalid_ballots": 9,
    "candidates": [{"_row": "a", "candidate": "qh-dv1-nguyen-van-hung", "votes": 400}]
  })").ok());
  // A JPEG of 300 KB (two chunks).
  std::mt19937 rng(5);
  std::string jpeg = "\xFF\xD8\xFF\xE0";
  while (jpeg.size() < 300'000) jpeg.push_back(static_cast<char>(rng()));
  const std::string photo = files.Sub("bien-ban-kv5.jpg");
  REQUIRE(util::WriteFileAtomic(photo, jpeg).ok());
  const std::string hash = crypto::Hex(crypto::Sha256(jpeg));

  // A GIF is none of JPEG/PNG/PDF: refused, nothing stored.
  const std::string gif = files.Sub("anh.gif");
  REQUIRE(util::WriteFileAtomic(gif, "GIF89a......").ok());
  auto bad = c.Run({"new", "--form", "tally-minutes", "--from-json", values, "--attach", "signed_minutes=" + gif});
  CHECK(bad.exit_code != 0);
  CHECK_THAT(bad.err, Catch::Contains("signed_minutes"));
  CHECK(Items(c.Json({"list"})).size() == 0);

  auto made = c.Run({"new", "--form", "tally-minutes", "--from-json", values, "--attach",
                     "signed_minutes=" + photo, "--json"});
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  const std::string id = Str(At(ParseJson(made.out), "id"));
  auto shown = c.Json({"show", id});
  CHECK(Str(At(At(At(shown, "fields"), "signed_minutes"), "sha256")) == hash);
  CHECK(Num(At(At(shown, "fields"), "voters_voted")) == 480);

  auto synced = c.Json({"sync"});
  CHECK(Num(At(synced, "attachments_stored")) == 1);
  const std::string out = files.Sub("back.jpg");
  auto back = server.Admin({"attachment", hash, "--out", out});
  INFO(back.err);
  REQUIRE(back.exit_code == 0);
  CHECK(ReadAll(out) == jpeg);
  CHECK(server.Stop() == 0);
}
