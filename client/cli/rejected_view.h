// The officer's view of changes the server accepted into the chain but could
// not apply (REJECTED conflicts, DESIGN.md "Never strand an honest device"):
// they arrive with the pulled records, in RecordState.conflicts, and are
// fixed by an ordinary new edit of the record (which closes them).
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "common/util/json_writer.h"
#include "proto/records.pb.h"

namespace wardsync::client {

// The open REJECTED conflicts of a record; of one device's changes when
// `device_id` is not empty.
std::vector<const records::Conflict*> OpenRejected(const records::RecordState& r, const std::string& device_id = "");

// The record without its REJECTED conflicts (they are shown on their own).
records::RecordState WithoutRejected(const records::RecordState& r);

// "rejected change of DEVICE/SEQ by OFFICER at TIME: REASON", the values it
// tried to set, and how to fix it.
void RejectedDetail(const records::RecordState& r, const records::Conflict& c, std::ostream& out,
                    const std::string& indent);
void RejectedJson(const records::RecordState& r, const records::Conflict& c, util::JsonWriter& w);

}  // namespace wardsync::client
