// CSV quoting (RFC 4180) and the rows/elements the exporter writes.
#include <catch2/catch.hpp>

#include <sstream>

#include "common/changes/changeset.h"
#include "server/audit/record_export.h"

using wardsync::server::audit::AppendCsvField;
using wardsync::server::audit::ExportFormat;
using wardsync::server::audit::RecordExporter;

namespace {

std::string Csv(std::string_view s) {
  std::string out;
  AppendCsvField(s, &out);
  return out;
}

wardsync::forms::FormDef Form() {
  wardsync::forms::FormDef f;
  f.set_id("voter-meeting");
  f.set_version(2);
  auto* a = f.add_fields();
  a->set_name("candidate");
  a->set_type(wardsync::forms::FieldDef::TEXT);
  auto* b = f.add_fields();
  b->set_name("attended");
  b->set_type(wardsync::forms::FieldDef::INTEGER);
  auto* c = f.add_fields();
  c->set_name("topics");
  c->set_type(wardsync::forms::FieldDef::MULTIPLE_CHOICE);
  return f;
}

wardsync::records::RecordState Record(const std::string& candidate, bool conflict) {
  wardsync::records::RecordState r;
  r.set_record_id(std::string(16, '\x01'));
  r.set_form_id("voter-meeting");
  r.set_form_version(1);
  r.set_ward("phuong-trung-vuong");
  // 2026-02-10T00:00:00Z in the HLC's physical part.
  r.mutable_last_change()->set_hlc(uint64_t{1770681600000} << 16);
  (*r.mutable_fields())["candidate"].mutable_value()->set_text(candidate);
  (*r.mutable_fields())["attended"].mutable_value()->set_integer(80);
  (*r.mutable_fields())["dropped_field"].mutable_value()->set_integer(7);  // not in the latest version
  if (conflict) r.add_conflicts()->set_open(true);
  return r;
}

}  // namespace

TEST_CASE("CSV fields are quoted exactly when RFC 4180 requires it") {
  CHECK(Csv("plain") == "plain");
  CHECK(Csv("") == "");
  CHECK(Csv("Trần Thị Bình") == "Trần Thị Bình");  // UTF-8 passes through untouched
  CHECK(Csv("a,b") == "\"a,b\"");
  CHECK(Csv("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(Csv("\"") == "\"\"\"\"");
  CHECK(Csv("line1\nline2") == "\"line1\nline2\"");
  CHECK(Csv("cr\rhere") == "\"cr\rhere\"");
  CHECK(Csv("two\r\nlines") == "\"two\r\nlines\"");
  CHECK(Csv(" spaced ") == " spaced ");  // spaces are data, not a reason to quote
}

TEST_CASE("CSV export: header, one CRLF row per record, latest-version columns") {
  const auto form = Form();
  std::ostringstream out;
  RecordExporter ex(out, ExportFormat::kCsv, form, false);
  ex.Begin();
  ex.Add(Record("Nguyễn \"Ba\", Jr.\nline", true));
  auto r2 = Record("Lê C", false);
  auto* topics = (*r2.mutable_fields())["topics"].mutable_value()->mutable_choices();
  topics->add_values("roads");
  topics->add_values("schools");
  ex.Add(r2);
  ex.End();
  CHECK(ex.rows() == 2);
  const std::string id = std::string(wardsync::changes_util::RecordIdText(std::string(16, '\x01')));
  CHECK(out.str() ==
        "id,ward,version,last_change,conflict,review,candidate,attended,topics\r\n" + id +
            ",phuong-trung-vuong,1,2026-02-10T00:00:00.000Z,true,,\"Nguyễn \"\"Ba\"\", Jr.\nline\",80,\r\n" + id +
            ",phuong-trung-vuong,1,2026-02-10T00:00:00.000Z,false,,Lê C,80,\"roads,schools\"\r\n");
}

TEST_CASE("CSV export with deleted records adds a deleted column") {
  const auto form = Form();
  std::ostringstream out;
  RecordExporter ex(out, ExportFormat::kCsv, form, true);
  ex.Begin();
  auto r = Record("X", false);
  r.set_deleted(true);
  ex.Add(r);
  ex.End();
  CHECK(out.str().rfind("id,ward,version,last_change,conflict,review,deleted,candidate,attended,topics\r\n", 0) == 0);
  CHECK(out.str().find(",false,,true,X,80,\r\n") != std::string::npos);
}

TEST_CASE("JSON export is one array with an element per record and null for empty fields") {
  const auto form = Form();
  std::ostringstream out;
  RecordExporter ex(out, ExportFormat::kJson, form, false);
  ex.Begin();
  ex.Add(Record("A \"q\"", false));
  ex.Add(Record("B", true));
  ex.End();
  const std::string s = out.str();
  CHECK(s.front() == '[');
  CHECK(s.substr(s.size() - 3) == "\n]\n");
  CHECK(s.find("\"candidate\":\"A \\\"q\\\"\",\"attended\":80,\"topics\":null") != std::string::npos);
  CHECK(s.find("\"conflict\":true") != std::string::npos);
  CHECK(s.find("dropped_field") == std::string::npos);
  CHECK(s.find("},\n{") != std::string::npos);  // elements separated, one per line

  std::ostringstream empty;
  RecordExporter none(empty, ExportFormat::kJson, form, false);
  none.Begin();
  none.End();
  CHECK(empty.str() == "[]\n");
}

TEST_CASE("CSV: cells a spreadsheet would run as a formula are neutralised (OWASP CSV injection)") {
  CHECK(Csv("=HYPERLINK(\"http://x\",\"y\")") == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  CHECK(Csv("=1+1") == "\"'=1+1\"");
  CHECK(Csv("+cmd|' /C calc'!A0") == "\"'+cmd|' /C calc'!A0\"");
  CHECK(Csv("-2+3") == "\"'-2+3\"");
  CHECK(Csv("@SUM(A1)") == "\"'@SUM(A1)\"");
  CHECK(Csv("\t=1") == "\"'\t=1\"");
  CHECK(Csv("\r=1") == "\"'\r=1\"");
  // Plain numbers stay numbers; text that merely contains the characters is untouched.
  CHECK(Csv("-5") == "-5");
  CHECK(Csv("+3.5") == "+3.5");
  CHECK(Csv("a=b") == "a=b");
  CHECK(Csv("Trần Thị Bình") == "Trần Thị Bình");
  CHECK(Csv("") == "");
  CHECK(Csv("-") == "\"'-\"");
}
