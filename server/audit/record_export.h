// Writing records of one form as CSV or JSON, one record at a time, so an
// export streams: memory does not grow with the number of records.
//
// Columns: id, ward, version (the form version the record was last written
// against), last_change (UTC time of the last change, from its HLC stamp),
// conflict (true while the record has an open conflict), review (empty, or
// render::ReviewMark: "RULE BROKEN: <rule>; REJECTED: <why>" while the record
// has an open RULE or REJECTED conflict: its values are not to be taken at
// face value), [deleted], then one
// column per field of the form's LATEST version, in form order (fields an
// older version had and the latest dropped are not exported).
//
// CSV follows RFC 4180: UTF-8, CRLF line ends, a header row, and a field is
// quoted when it contains a comma, a double quote, CR or LF, with quotes
// doubled. Values are written as people read them (forms_util::FormatValue:
// multiple choices comma-joined, dates YYYY-MM-DD); an empty field is empty.
// Formula injection (OWASP "CSV Injection"): a cell starting with = + - @,
// tab or CR that is not a plain number ("-5", "+3.5" stay numbers) is
// written quoted with a leading single quote ('=HYPERLINK(...)), so a
// spreadsheet shows it as text instead of running it.
// JSON is one array, an element per record: {"id", "ward", "version",
// "last_change", "conflict", "review" (string or null), ["deleted"],
// "fields": {name: value or null}}. Placeholders (records never created,
// holding only rejected changes) are not exported.
#pragma once
#include <ostream>
#include <string>
#include <string_view>

#include "proto/forms.pb.h"
#include "proto/records.pb.h"

namespace wardsync::server::audit {

// Appends one CSV field to *out, quoted if RFC 4180 requires it, and
// neutralised (leading ') if a spreadsheet would take it for a formula.
void AppendCsvField(std::string_view text, std::string* out);

enum class ExportFormat { kCsv, kJson };

class RecordExporter {
 public:
  RecordExporter(std::ostream& out, ExportFormat format, const wardsync::forms::FormDef& form, bool with_deleted);
  void Begin();                                        // CSV header / "["
  void Add(const wardsync::records::RecordState& r);   // one row / element
  void End();                                          // "]"
  uint64_t rows() const { return rows_; }

 private:
  std::ostream& out_;
  ExportFormat format_;
  const wardsync::forms::FormDef& form_;
  bool with_deleted_;
  uint64_t rows_ = 0;
  std::string line_;   // reused buffer: one row at a time
};

}  // namespace wardsync::server::audit
