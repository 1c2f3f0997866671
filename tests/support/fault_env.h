// A fault-injecting leveldb::Env for tests (inject it through
// LevelDbOptions::env). Two kinds of fault:
//
// Power loss. The model is the one of LevelDB's own db/fault_injection_test.cc:
// the Env tracks, per file written through it, how many bytes were appended
// and how many of those a WritableFile::Sync made durable, and which files
// were created (or renamed from a created file) since the last directory
// sync. As in that test, syncing a file created since the last directory
// sync counts as syncing the directory (LevelDB's PosixEnv syncs the
// directory whenever it syncs a MANIFEST, which names every new file).
// Flush only reaches the OS: it survives a process crash, not a power loss.
//   PowerOff()          the machine dies now: from here on appends still
//                       reach the file but count as never synced, Sync does
//                       nothing, removes and renames do not happen;
//   (close the store)
//   DropUnsyncedData()  truncates every tracked file to its last synced size,
//                       deletes the files created since the last directory
//                       sync, forgets the tracking and powers back on: the
//                       disk now holds exactly what had been made durable.
// A live server keeps answering after PowerOff; cut its network first (e.g.
// FaultProxy::CutAll) so no acknowledgement of a lost write gets out.
//
// Injected errors (disk full, I/O error). FailAppendsAfter(n): once n more
// bytes were appended, every Append fails whole with "No space left on
// device" (nothing of it is written). FailSyncs(true): every Sync fails with
// an I/O error (what it appended stays in the file, as after a real failed
// fsync: whether it survives is unknown).
//
// Holding a sync. BlockSyncsAfter(k): the next k syncs pass, the one after
// waits (its data appended, not yet durable) until UnblockSyncs() - the
// moment to cut the power between a write and its sync, and to see whether
// anything was acknowledged before the sync.
//
// Thread-safe. One Env per store (directory sync tracking is per Env).
#pragma once
#include <leveldb/env.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "common/status.h"

namespace wardsync::test {

class FaultEnv : public leveldb::EnvWrapper {
 public:
  FaultEnv();  // over leveldb::Env::Default()
  ~FaultEnv() override;

  // ---- power loss
  void PowerOff();
  bool powered() const;
  struct DropReport {
    size_t truncated_files = 0;
    uint64_t dropped_bytes = 0;
    size_t removed_files = 0;
  };
  // Call with every store on this Env closed.
  Status DropUnsyncedData(DropReport* report = nullptr);
  // Bytes appended (while powered) but not yet synced, over every tracked file.
  uint64_t UnsyncedBytes() const;

  // ---- injected errors
  void FailAppendsAfter(uint64_t bytes);
  void FailSyncs(bool on);
  void ClearFaults();
  uint64_t injected_errors() const;

  // ---- holding a sync
  void BlockSyncsAfter(uint64_t pass);
  void UnblockSyncs();
  // True once a Sync waits (false at the deadline).
  bool WaitForBlockedSync(std::chrono::milliseconds timeout);

  // ---- counters (since construction)
  uint64_t syncs() const;
  uint64_t bytes_appended() const;

  // ---- leveldb::Env
  leveldb::Status NewWritableFile(const std::string& fname, leveldb::WritableFile** result) override;
  leveldb::Status NewAppendableFile(const std::string& fname, leveldb::WritableFile** result) override;
  leveldb::Status RemoveFile(const std::string& fname) override;
  leveldb::Status RenameFile(const std::string& src, const std::string& target) override;

 private:
  friend class TrackedFile;
  struct FileState {
    std::string name;
    uint64_t pos = 0;     // bytes appended while powered
    uint64_t synced = 0;  // bytes made durable by Sync
  };
  std::shared_ptr<FileState> Track(const std::string& fname, uint64_t existing_size, bool created);
  // Hooks of TrackedFile.
  leveldb::Status BeforeAppend(const FileState& f, size_t n);
  void Appended(FileState& f, size_t n);
  leveldb::Status BeforeSync(const FileState& f, bool* skip);
  void Synced(FileState& f);

  mutable std::mutex mu_;
  bool powered_ = true;
  std::map<std::string, std::shared_ptr<FileState>> files_;
  std::set<std::string> new_files_;  // created since the last directory sync
  std::optional<uint64_t> append_budget_;
  bool fail_syncs_ = false;
  std::optional<uint64_t> syncs_to_pass_;  // set: block once this many more syncs passed
  bool sync_blocked_ = false;              // a Sync waits
  std::condition_variable cv_;
  uint64_t injected_errors_ = 0;
  uint64_t syncs_ = 0;
  uint64_t bytes_appended_ = 0;
};

}  // namespace wardsync::test
