// DUPLICATE conflicts (records.proto ConflictKind): a form may declare the
// fields that identify one report (FormDef.unique_key, e.g. ward + polling
// area + checkpoint for turnout). A live record whose key values equal
// those of another live record of the same form and ward is a second copy
// of one report: the later record gets an open DUPLICATE conflict naming the
// other, so the report counts it apart instead of summing it twice.
//
// Pure logic. The caller (server ingest, in the committer like every write)
// keeps the index from key to records and says which other record, if any,
// holds the same key; see server/ingest/unique_index.h.
//
// RESOLVE of a DUPLICATE conflict (merge.h): no field set = dismiss (both are
// distinct reports), or one field set "__deleted" = true = delete this
// record. A dismissed pair is never reopened for the same other record.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "common/reconcile/merge.h"
#include "proto/forms.pb.h"
#include "proto/records.pb.h"

namespace wardsync::reconcile {

// <record hex>:duplicate
std::string DuplicateConflictId(std::string_view record_id_raw);

// The record's unique key: an exact byte string of form id, ward and the key
// fields' values, or nullopt when the form declares no key, the record is
// deleted or a placeholder, or a key field is empty (an unfinished record is
// no report yet). `text` (optional) gets "field=value, ..." for people.
std::optional<std::string> UniqueKey(const forms::FormDef& form, const records::RecordState& record,
                                     std::string* text = nullptr);

// After an applied change: `other` is the id of another live record with the
// same unique key (nullopt: none, or no key). Opens a DUPLICATE conflict
// naming `other` unless one (open or closed) already names it; closes an
// open DUPLICATE conflict that names a record that no longer matches.
void ReviewDuplicate(records::RecordState& record, const std::optional<std::string>& other,
                     const std::string& key_text, const records::Stamp& stamp, uint64_t log_seq,
                     ApplyOutcome& out);

}  // namespace wardsync::reconcile
