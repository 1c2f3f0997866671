#include "server/ingest/authorizer.h"

#include "common/changes/changeset.h"

namespace wardsync::server {

using wardsync::changes::Change;

bool IsValidRole(const std::string& role) {
  return role == "officer" || role == "reviewer" || role == "admin";
}

std::string ReadScope(const wardsync::store::Device& device) {
  return device.role() == "officer" ? device.ward() : "";
}

Status Authorize(const wardsync::store::Device& device, const Change& change, const std::string& record_ward) {
  const std::string rid = changes_util::RecordIdText(change.record_id());
  if (device.role() == "admin" || device.role() == "server") return Status::Ok();
  if (change.op() == Change::RESOLVE) {
    if (device.role() == "reviewer") return Status::Ok();
    return Status::Denied("device " + device.id() + " (role " + device.role() +
                          ") may not resolve conflicts; only reviewers can");
  }
  if (device.role() != "officer") {
    return Status::Denied("device " + device.id() + " (role " + device.role() + ") may not create, edit or delete records");
  }
  if (change.ward() != device.ward()) {
    return Status::Denied("device " + device.id() + " of ward " + device.ward() + " may not write record " + rid +
                          " of ward " + change.ward());
  }
  if (!record_ward.empty() && record_ward != device.ward()) {
    return Status::Denied("device " + device.id() + " of ward " + device.ward() + " may not change record " + rid +
                          " of ward " + record_ward);
  }
  return Status::Ok();
}

}  // namespace wardsync::server
