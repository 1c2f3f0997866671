// Who may write what: enforced on the server for every change, whatever the
// client checked. Pure rules, no I/O.
//   officer : create/update/delete records of its own ward; no resolutions
//   reviewer: resolve conflicts in every ward; no other writes
//   admin   : everything
//   server  : (the server's own key) resolutions
#pragma once
#include <string>

#include "common/status.h"
#include "proto/changes.pb.h"
#include "proto/store.pb.h"

namespace wardsync::server {

// `record_ward` is the ward of the existing record ("" if it does not exist).
Status Authorize(const wardsync::store::Device& device, const wardsync::changes::Change& change,
                 const std::string& record_ward);

// Which wards a device may read: "" means every ward.
std::string ReadScope(const wardsync::store::Device& device);

bool IsValidRole(const std::string& role);

}  // namespace wardsync::server
