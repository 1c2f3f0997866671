// "A record the officer made that another device changed since shows what
// changed" (issue 11): the fields of a record made on this device whose
// current value was written by another device, with the value, who and when
// (the per-field stamps the client already holds; the value before is not
// kept on the device, the server's `history` has it).
#pragma once
#include <string>

#include "common/util/json_writer.h"
#include "proto/records.pb.h"

namespace wardsync::client::ui {

// Writes a JSON array of {field, value, device, officer, hlc, time}, newest
// first; empty when the record was not made on `device_id`.
void ChangedSinceJson(const wardsync::records::RecordState& r, const std::string& device_id, util::JsonWriter& w);

}  // namespace wardsync::client::ui
