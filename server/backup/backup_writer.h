// `wardsync-server backup`: one file holding a consistent snapshot of the
// store (a read view, kv_store.h) and the data directory's other files
// (keys, certificates, attachments), compressed, with a manifest and a
// SHA-256 of the whole file (layout: proto/backup.proto).
//
// Runs inside a serving `run` (the command is forwarded over the control
// socket) or on a directory nobody serves; either way it only reads: the
// snapshot is taken first, ingest goes on meanwhile. The file appears
// complete or not at all: written to FILE.tmp, synced, renamed, and the
// directory synced.
#pragma once
#include <string>

#include "common/crypto/ed25519.h"
#include "common/status.h"
#include "common/store/kv_store.h"
#include "proto/backup.pb.h"
#include "server/server_paths.h"

namespace wardsync::server::backup {

// The data directory's files a backup carries: every regular file under DIR
// except the store (db/, carried as the snapshot), the lock, files the
// running server rewrites on start (listen, dashboard-url) and *.tmp.
// Symbolic links are left out (never followed). Paths relative to DIR.
Result<std::vector<std::string>> FilesToBackUp(const std::string& data_dir);

// fsync of a directory: a rename into it is durable once this returns.
Status SyncDir(const std::string& dir);

// The hex id the manifest names the server key by: SHA-256 of its public key.
std::string ServerKeyId(const crypto::PrivateKey& key);

Result<wardsync::backup::BackupManifest> WriteBackup(KvStore& store, const ServerPaths& paths,
                                                     const crypto::PrivateKey& server_key, uint64_t now_ms,
                                                     const std::string& out_path);

}  // namespace wardsync::server::backup
