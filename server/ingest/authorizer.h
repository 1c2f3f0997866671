// Who may write what: enforced on the server for every change, whatever the
// client checked. Pure rules, no I/O; what each role may do is decided in
// common/authority/role.h (the client checks by the same rules).
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

}  // namespace wardsync::server
