#include "server/ingest/authorizer.h"

#include "common/authority/role.h"
#include "common/changes/changeset.h"

namespace wardsync::server {

using wardsync::changes::Change;

std::string ReadScope(const wardsync::store::Device& device) {
  return authority::ReadScope(device.role(), device.ward());
}

Status Authorize(const wardsync::store::Device& device, const Change& change, const std::string& record_ward) {
  // Only a denial names the record: no hex text is made for an allowed change.
  const auto rid = [&change] { return changes_util::RecordIdText(change.record_id()); };
  if (change.op() == Change::RESOLVE || change.op() == Change::REVIEW) {
    if (authority::MayResolve(device.role())) return Status::Ok();
    return Status::Denied("device " + device.id() + " (role " + device.role() +
                          ") may not resolve conflicts nor review records; only reviewers can");
  }
  if (!authority::MayWriteRecords(device.role())) {
    return Status::Denied("device " + device.id() + " (role " + device.role() + ") may not create, edit or delete records");
  }
  if (!authority::BoundToWard(device.role())) return Status::Ok();
  if (change.ward() != device.ward()) {
    return Status::Denied("device " + device.id() + " of ward " + device.ward() + " may not write record " + rid() +
                          " of ward " + change.ward());
  }
  if (!record_ward.empty() && record_ward != device.ward()) {
    return Status::Denied("device " + device.id() + " of ward " + device.ward() + " may not change record " + rid() +
                          " of ward " + record_ward);
  }
  return Status::Ok();
}

}  // namespace wardsync::server
