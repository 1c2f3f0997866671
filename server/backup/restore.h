// `wardsync-server restore --from FILE --data NEWDIR`: makes a data
// directory from a backup (backup_writer.h) that `run` can serve at once:
// the store as it was at the snapshot, the keys, certificates and
// attachments. The file is proved whole (its SHA-256) before anything is
// created; NEWDIR must be new or empty and is built beside it, then renamed
// into place, so a failure part-way leaves no NEWDIR behind.
#pragma once
#include <string>

#include "common/status.h"
#include "proto/backup.pb.h"

namespace wardsync::server::backup {

Result<wardsync::backup::BackupManifest> RestoreBackup(const std::string& from, const std::string& data_dir);

}  // namespace wardsync::server::backup
