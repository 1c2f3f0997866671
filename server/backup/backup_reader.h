// Reading a backup file (layout: proto/backup.proto). CheckBackupFile reads
// the whole file once and proves it whole (the SHA-256 at its end) before
// anything trusts a byte of it; ReadBackupItems then decompresses the body.
#pragma once
#include <functional>
#include <string>

#include "common/status.h"
#include "proto/backup.pb.h"

namespace wardsync::server::backup {

struct CheckedBackup {
  wardsync::backup::BackupManifest manifest;
  uint64_t file_bytes = 0;
};

// Corruption naming what is wrong for a truncated, damaged or foreign file.
Result<CheckedBackup> CheckBackupFile(const std::string& path);

// Calls `item` for each item of the body, in order; Corruption if the body
// does not decompress to whole items (a file changed since it was checked).
Status ReadBackupItems(const std::string& path, const CheckedBackup& checked,
                       const std::function<Status(const wardsync::backup::BackupItem&)>& item);

}  // namespace wardsync::server::backup
