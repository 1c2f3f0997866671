// Attachments, below the network: values and limits (common/attach), the
// server's partial files with resume, verification and durable completion
// (server/attach/attachment_files), the reference check against stored
// records, and the client's copy at capture (client/attach).
#include <catch2/catch.hpp>

#include <fstream>
#include <random>

#include "client/attach/attachment_copy.h"
#include "common/attach/attachment_value.h"
#include "common/attach/file_digest.h"
#include "common/crypto/digest.h"
#include "common/forms/validator.h"
#include "common/forms/value_text.h"
#include "common/store/leveldb_store.h"
#include "common/store/proto_io.h"
#include "common/util/files.h"
#include "proto/records.pb.h"
#include "server/attach/attachment_files.h"
#include "server/attach/attachment_reference.h"
#include "server/store/server_keys.h"
#include "tests/support/attachment_bytes.h"
#include "tests/support/temp_dir.h"

using namespace wardsync;
namespace av = wardsync::attach;
namespace sa = wardsync::server::attach;

namespace {

std::string Jpeg(size_t n, uint32_t seed = 7) { return test::JpegBytes(n, seed); }
std::string HexHash(const std::string& bytes) { return test::HexSha256(bytes); }

forms::FieldDef PhotoField() {
  forms::FieldDef f;
  f.set_name("photo");
  f.set_type(forms::FieldDef::ATTACHMENT);
  return f;
}

forms::FormDef PhotoForm() {
  forms::FormDef form;
  form.set_id("minutes-photo");
  form.set_version(1);
  *form.add_fields() = PhotoField();
  return form;
}

std::string ReadAll(const std::string& path) { return test::FileBytes(path); }

}  // namespace

TEST_CASE("media types are recognised by their first bytes, not their names", "[unit][attach]") {
  CHECK(av::SniffMediaType(std::string("\xFF\xD8\xFF\xDB", 4)) == av::kJpeg);
  CHECK(av::SniffMediaType(std::string("\x89PNG\r\n\x1A\n", 8)) == av::kPng);
  CHECK(av::SniffMediaType("%PDF-1.7\n") == av::kPdf);
  CHECK_FALSE(av::SniffMediaType("GIF89a").has_value());
  CHECK_FALSE(av::SniffMediaType(std::string("\xFF\xD8", 2)).has_value());
  CHECK_FALSE(av::SniffMediaType(std::string("\x89PNG", 4)).has_value());  // too short to be sure
}

TEST_CASE("an attachment value is checked against the field's published limits", "[unit][attach]") {
  forms::FormDef form = PhotoForm();
  forms::FieldDef& field = *form.mutable_fields(0);
  changes::Value v;
  auto* a = v.mutable_attachment();
  a->set_sha256(std::string(64, 'a'));
  a->set_size(1000);
  a->set_media_type("image/jpeg");
  a->set_name("bien-ban.jpg");
  CHECK(forms_util::ValidateValue(form, field, v).ok());

  a->set_size(av::kMaxAttachmentBytes + 1);
  CHECK_THAT(forms_util::ValidateValue(form, field, v).message(), Catch::Contains("more than the limit"));
  a->set_size(1000);
  field.set_max_bytes(999);
  CHECK_THAT(forms_util::ValidateValue(form, field, v).message(), Catch::Contains("limit of 999 bytes"));
  field.set_max_bytes(0);
  field.add_media_types("application/pdf");
  CHECK_THAT(forms_util::ValidateValue(form, field, v).message(), Catch::Contains("not allowed here"));
  field.clear_media_types();
  a->set_sha256(std::string(64, 'A'));
  CHECK_THAT(forms_util::ValidateValue(form, field, v).message(), Catch::Contains("64 lowercase hex"));
  a->set_sha256(std::string(64, 'a'));
  a->set_name("a/b.jpg");
  CHECK_THAT(forms_util::ValidateValue(form, field, v).message(), Catch::Contains("without '/'"));
  a->set_name("x.jpg");
  a->set_size(0);
  CHECK_FALSE(forms_util::ValidateValue(form, field, v).ok());
}

TEST_CASE("an ATTACHMENT field's limits are checked when the form is published", "[unit][attach]") {
  forms::FieldDef f = PhotoField();
  CHECK(av::CheckFieldLimits(f).empty());
  f.set_max_bytes(av::kMaxAttachmentBytes + 1);
  CHECK_THAT(av::CheckFieldLimits(f), Catch::Contains("above the limit"));
  f.set_max_bytes(0);
  f.add_media_types("image/gif");
  CHECK_THAT(av::CheckFieldLimits(f), Catch::Contains("image/gif"));
  f.clear_media_types();
  f.add_media_types("image/png");
  f.add_media_types("image/png");
  CHECK_THAT(av::CheckFieldLimits(f), Catch::Contains("twice"));
}

TEST_CASE("the text form of an attachment reads back exactly", "[unit][attach]") {
  forms::FormDef form = PhotoForm();
  changes::Value v;
  auto* a = v.mutable_attachment();
  a->set_sha256(HexHash("x"));
  a->set_size(12345);
  a->set_media_type("application/pdf");
  a->set_name("Biên bản \"kiểm phiếu\".pdf");
  const std::string text = forms_util::FormatValue(v);
  auto back = forms_util::ParseValue(form, form.fields(0), text);
  REQUIRE(back.ok());
  CHECK(back->attachment().SerializeAsString() == a->SerializeAsString());
  CHECK_THAT(forms_util::ParseValue(form, form.fields(0), "photo.jpg").status().message(),
             Catch::Contains("--attach FIELD=FILE"));
}

TEST_CASE("the server's partial file resumes at its size and takes only the next byte", "[unit][attach]") {
  test::TempDir dir("attach-files");
  sa::AttachmentFiles files(dir.Sub("attachments"));
  const std::string bytes = Jpeg(100'000);
  const std::string hash = HexHash(bytes);
  REQUIRE(files.Claim(hash));
  CHECK_FALSE(files.Claim(hash));  // one transfer per hash at a time

  auto have = files.Resume(hash, bytes.size());
  REQUIRE(have.ok());
  CHECK(*have == 0);
  std::optional<sa::Refusal> refusal;
  auto n = files.Append(hash, 0, std::string_view(bytes).substr(0, 30'000), bytes.size(), &refusal);
  REQUIRE(n.ok());
  CHECK_FALSE(refusal);
  CHECK(*n == 30'000);

  SECTION("a chunk that does not start at the held size is refused and changes nothing") {
    for (uint64_t off : {uint64_t{0}, uint64_t{29'999}, uint64_t{30'001}}) {
      refusal.reset();
      auto m = files.Append(hash, off, std::string_view(bytes).substr(off, 10), bytes.size(), &refusal);
      REQUIRE(m.ok());
      REQUIRE(refusal);
      CHECK(refusal->reason == sync::BAD_CHUNK);
      CHECK(*m == 30'000);
    }
    refusal.reset();
    // Nor one that runs past the announced size.
    auto m = files.Append(hash, 30'000, std::string(bytes.size(), 'x'), bytes.size(), &refusal);
    REQUIRE(refusal);
    CHECK(ReadAll(files.PartialPath(hash)) == bytes.substr(0, 30'000));
  }

  SECTION("a later offer resumes where the bytes end, and the whole is stored once checked") {
    files.Release(hash);
    sa::AttachmentFiles again(dir.Sub("attachments"));  // as after a restart
    auto resumed = again.Resume(hash, bytes.size());
    REQUIRE(resumed.ok());
    CHECK(*resumed == 30'000);
    for (uint64_t off = *resumed; off < bytes.size(); off += 7'000) {
      auto m = again.Append(hash, off, std::string_view(bytes).substr(off, 7'000), bytes.size(), &refusal);
      REQUIRE(m.ok());
      REQUIRE_FALSE(refusal);
    }
    CHECK_FALSE(again.Has(hash));  // not before it is checked
    auto done = again.Complete(hash, bytes.size(), "image/jpeg");
    REQUIRE(done.ok());
    CHECK_FALSE(done->has_value());
    CHECK(again.Has(hash));
    CHECK(ReadAll(again.CompletePath(hash)) == bytes);
    CHECK_FALSE(util::Exists(again.PartialPath(hash)));
  }

  SECTION("bytes that do not hash to the name are discarded, nothing is stored") {
    std::string bad = bytes;
    bad[50'000] ^= 0x01;
    auto m = files.Append(hash, 30'000, std::string_view(bad).substr(30'000), bytes.size(), &refusal);
    REQUIRE(m.ok());
    auto done = files.Complete(hash, bytes.size(), "image/jpeg");
    REQUIRE(done.ok());
    REQUIRE(done->has_value());
    CHECK((*done)->reason == sync::HASH_MISMATCH);
    CHECK_FALSE(files.Has(hash));
    CHECK_FALSE(util::Exists(files.PartialPath(hash)));
    auto restart = files.Resume(hash, bytes.size());
    REQUIRE(restart.ok());
    CHECK(*restart == 0);
  }

  SECTION("bytes of another type than the record says are refused") {
    auto m = files.Append(hash, 30'000, std::string_view(bytes).substr(30'000), bytes.size(), &refusal);
    REQUIRE(m.ok());
    auto done = files.Complete(hash, bytes.size(), "image/png");
    REQUIRE(done.ok());
    REQUIRE(done->has_value());
    CHECK((*done)->reason == sync::WRONG_TYPE);
    CHECK_FALSE(files.Has(hash));
  }

  SECTION("a partial file longer than the offer (no honest transfer leaves one) starts over") {
    auto shorter = files.Resume(hash, 20'000);
    REQUIRE(shorter.ok());
    CHECK(*shorter == 0);
    CHECK_FALSE(util::Exists(files.PartialPath(hash)));
  }
}

TEST_CASE("only bytes a stored record of the device's scope names are taken", "[unit][attach]") {
  test::TempDir dir("attach-ref");
  auto db = LevelDbStore::Open(dir.Sub("db"));
  REQUIRE(db.ok());
  const std::string hash = HexHash("photo");
  records::RecordState r;
  r.set_record_id(std::string(16, '\x01'));
  r.set_form_id("minutes-photo");
  r.set_ward("phuong-tan-lap");
  auto* a = (*r.mutable_fields())["photo"].mutable_value()->mutable_attachment();
  a->set_sha256(hash);
  a->set_size(5);
  a->set_media_type("image/jpeg");
  WriteBatch batch;
  PutProto(batch, server::keys::Record(r.record_id()), r);
  REQUIRE((*db)->Write(batch, true).ok());

  sa::Refusal why;
  auto found = sa::FindReference(**db, "phuong-tan-lap", r.record_id(), "photo", hash, 5, &why);
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->media_type() == "image/jpeg");
  // Every ward ("" scope: reviewers) too.
  found = sa::FindReference(**db, "", r.record_id(), "photo", hash, 5, &why);
  REQUIRE(found.ok());
  CHECK(found->has_value());

  struct Case {
    std::string scope, record, field, hash;
    uint64_t size;
    sync::AttachmentRefusal reason;
  };
  for (const auto& c : {Case{"phuong-cam-gia", r.record_id(), "photo", hash, 5, sync::NOT_REFERENCED},
                        Case{"phuong-tan-lap", std::string(16, '\x02'), "photo", hash, 5, sync::NOT_REFERENCED},
                        Case{"phuong-tan-lap", r.record_id(), "other", hash, 5, sync::NOT_REFERENCED},
                        Case{"phuong-tan-lap", r.record_id(), "photo", HexHash("else"), 5, sync::NOT_REFERENCED},
                        Case{"phuong-tan-lap", r.record_id(), "photo", hash, 6, sync::WRONG_SIZE}}) {
    sa::Refusal no;
    auto none = sa::FindReference(**db, c.scope, c.record, c.field, c.hash, c.size, &no);
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());
    CHECK(no.reason == c.reason);
  }
}

TEST_CASE("--attach copies a checked file into the data directory, named by its hash", "[unit][attach]") {
  test::TempDir dir("attach-copy");
  forms::FormDef form = PhotoForm();
  const std::string store = dir.Sub("attachments");
  const std::string bytes = Jpeg(4096);
  const std::string file = dir.Sub("bien-ban.jpg");
  REQUIRE(util::WriteFileAtomic(file, bytes).ok());

  auto copied = client::attach::CopyIn(store, file, form, form.fields(0));
  REQUIRE(copied.ok());
  CHECK(copied->created);
  CHECK(copied->value.sha256() == HexHash(bytes));
  CHECK(copied->value.size() == bytes.size());
  CHECK(copied->value.media_type() == "image/jpeg");
  CHECK(copied->value.name() == "bien-ban.jpg");
  CHECK(ReadAll(client::attach::CopyPath(store, copied->value.sha256())) == bytes);
  auto twice = client::attach::CopyIn(store, file, form, form.fields(0));
  REQUIRE(twice.ok());
  CHECK_FALSE(twice->created);  // content-addressed: the same bytes once

  const std::string gif = dir.Sub("a.jpg");
  REQUIRE(util::WriteFileAtomic(gif, "GIF89a....").ok());
  CHECK_THAT(client::attach::CopyIn(store, gif, form, form.fields(0)).status().message(),
             Catch::Contains("not a JPEG, PNG or PDF"));
  form.mutable_fields(0)->set_max_bytes(4095);
  CHECK_THAT(client::attach::CopyIn(store, file, form, form.fields(0)).status().message(),
             Catch::Contains("more than the limit of 4095"));
  form.mutable_fields(0)->set_max_bytes(0);
  form.mutable_fields(0)->add_media_types("application/pdf");
  const std::string other = dir.Sub("other.jpg");
  REQUIRE(util::WriteFileAtomic(other, Jpeg(5000, 9)).ok());
  CHECK_THAT(client::attach::CopyIn(store, other, form, form.fields(0)).status().message(),
             Catch::Contains("not allowed here"));
  CHECK_FALSE(util::Exists(client::attach::CopyPath(store, HexHash(Jpeg(5000, 9)))));  // refused: nothing copied
  CHECK_FALSE(client::attach::CopyIn(store, dir.Sub("missing.jpg"), form, form.fields(0)).ok());
}

TEST_CASE("the officer app's upload goes through CopyIn with the browser's name and claimed type", "[unit][attach]") {
  test::TempDir dir("attach-upload");
  forms::FormDef form = PhotoForm();
  const std::string store = dir.Sub("attachments");
  const std::string bytes = Jpeg(3000, 4);
  const std::string spool = dir.Sub("7-0a1b.part");  // a spool file's name is no name to keep
  REQUIRE(util::WriteFileAtomic(spool, bytes).ok());

  auto wrong = client::attach::CopyIn(store, {spool, "biên bản.png", "image/png"}, form, form.fields(0));
  CHECK_THAT(wrong.status().message(), Catch::Contains("first bytes show image/jpeg, not image/png"));
  CHECK_FALSE(util::Exists(client::attach::CopyPath(store, HexHash(bytes))));
  auto named = client::attach::CopyIn(store, {spool, "biên bản.jpg", "image/jpeg"}, form, form.fields(0));
  REQUIRE(named.ok());
  CHECK(named->value.name() == "biên bản.jpg");
  CHECK(client::attach::CheckHeld(store, named->value).ok());
  auto other = named->value;
  other.set_size(other.size() + 1);  // a value naming other bytes than the copy's
  CHECK_THAT(client::attach::CheckHeld(store, other).message(), Catch::Contains("not on this device"));
  other = named->value;
  other.set_sha256("../" + std::string(61, 'a'));  // never a path
  CHECK_FALSE(client::attach::CheckHeld(store, other).ok());
  CHECK_FALSE(client::attach::CopyIn(store, {spool, "a/b.jpg", ""}, form, form.fields(0)).ok());  // the name is checked
}
