#include "tests/support/fault_env.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace wardsync::test {

// Wraps the real WritableFile and reports every append and sync to the Env.
class TrackedFile : public leveldb::WritableFile {
 public:
  TrackedFile(FaultEnv& env, leveldb::WritableFile* target, std::shared_ptr<FaultEnv::FileState> state)
      : env_(env), target_(target), state_(std::move(state)) {}
  ~TrackedFile() override = default;  // the target closes itself

  leveldb::Status Append(const leveldb::Slice& data) override {
    leveldb::Status s = env_.BeforeAppend(*state_, data.size());
    if (!s.ok()) return s;
    s = target_->Append(data);
    if (s.ok()) env_.Appended(*state_, data.size());
    return s;
  }
  leveldb::Status Close() override { return target_->Close(); }
  leveldb::Status Flush() override { return target_->Flush(); }
  leveldb::Status Sync() override {
    bool skip = false;
    leveldb::Status s = env_.BeforeSync(*state_, &skip);
    if (!s.ok() || skip) return s;
    s = target_->Sync();
    if (s.ok()) env_.Synced(*state_);
    return s;
  }

 private:
  FaultEnv& env_;
  std::unique_ptr<leveldb::WritableFile> target_;
  std::shared_ptr<FaultEnv::FileState> state_;
};

FaultEnv::FaultEnv() : leveldb::EnvWrapper(leveldb::Env::Default()) {}
FaultEnv::~FaultEnv() = default;

std::shared_ptr<FaultEnv::FileState> FaultEnv::Track(const std::string& fname, uint64_t existing_size, bool created) {
  auto state = std::make_shared<FileState>();
  state->name = fname;
  state->pos = existing_size;
  state->synced = existing_size;  // what was there before is taken as durable
  std::lock_guard<std::mutex> lock(mu_);
  files_[fname] = state;
  if (created) new_files_.insert(fname);
  return state;
}

leveldb::Status FaultEnv::NewWritableFile(const std::string& fname, leveldb::WritableFile** result) {
  leveldb::WritableFile* real = nullptr;
  leveldb::Status s = target()->NewWritableFile(fname, &real);
  if (!s.ok()) return s;
  // A new (or truncated) file: its directory entry is not durable until the
  // next directory sync.
  *result = new TrackedFile(*this, real, Track(fname, 0, /*created=*/true));
  return s;
}

leveldb::Status FaultEnv::NewAppendableFile(const std::string& fname, leveldb::WritableFile** result) {
  const bool existed = target()->FileExists(fname);
  uint64_t size = 0;
  if (existed) target()->GetFileSize(fname, &size);
  leveldb::WritableFile* real = nullptr;
  leveldb::Status s = target()->NewAppendableFile(fname, &real);
  if (!s.ok()) return s;
  std::shared_ptr<FileState> state;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = files_.find(fname);
    if (it != files_.end()) state = it->second;
  }
  if (!state) state = Track(fname, size, /*created=*/!existed);
  *result = new TrackedFile(*this, real, std::move(state));
  return s;
}

leveldb::Status FaultEnv::RemoveFile(const std::string& fname) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!powered_) return leveldb::Status::OK();  // a dead machine removes nothing
  }
  leveldb::Status s = target()->RemoveFile(fname);
  if (s.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    files_.erase(fname);
    new_files_.erase(fname);
  }
  return s;
}

leveldb::Status FaultEnv::RenameFile(const std::string& src, const std::string& dst) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!powered_) return leveldb::Status::OK();  // nor renames
  }
  leveldb::Status s = target()->RenameFile(src, dst);
  if (s.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    files_.erase(dst);
    if (auto it = files_.find(src); it != files_.end()) {
      it->second->name = dst;
      files_[dst] = it->second;
      files_.erase(it);
    }
    new_files_.erase(dst);
    if (new_files_.erase(src)) new_files_.insert(dst);
  }
  return s;
}

leveldb::Status FaultEnv::BeforeAppend(const FileState& f, size_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  if (append_budget_) {
    if (n > *append_budget_) {
      ++injected_errors_;
      return leveldb::Status::IOError(f.name, "No space left on device (injected)");
    }
    *append_budget_ -= n;
  }
  return leveldb::Status::OK();
}

void FaultEnv::Appended(FileState& f, size_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  bytes_appended_ += n;
  if (powered_) f.pos += n;
}

leveldb::Status FaultEnv::BeforeSync(const FileState& f, bool* skip) {
  std::unique_lock<std::mutex> lock(mu_);
  if (syncs_to_pass_) {
    if (*syncs_to_pass_ > 0) {
      --*syncs_to_pass_;
    } else {
      sync_blocked_ = true;
      cv_.notify_all();
      cv_.wait(lock, [&] { return !syncs_to_pass_; });
      sync_blocked_ = false;
    }
  }
  *skip = !powered_;
  if (!powered_) return leveldb::Status::OK();
  if (fail_syncs_) {
    ++injected_errors_;
    return leveldb::Status::IOError(f.name, "Input/output error (injected fsync failure)");
  }
  return leveldb::Status::OK();
}

void FaultEnv::Synced(FileState& f) {
  std::lock_guard<std::mutex> lock(mu_);
  ++syncs_;
  if (!powered_) return;  // powered off while the real sync ran: too late
  f.synced = f.pos;
  if (new_files_.count(f.name)) new_files_.clear();  // the directory sync that comes with it
}

void FaultEnv::PowerOff() {
  std::lock_guard<std::mutex> lock(mu_);
  powered_ = false;
}

bool FaultEnv::powered() const {
  std::lock_guard<std::mutex> lock(mu_);
  return powered_;
}

Status FaultEnv::DropUnsyncedData(DropReport* report) {
  DropReport r;
  std::map<std::string, std::shared_ptr<FileState>> files;
  std::set<std::string> created;
  {
    std::lock_guard<std::mutex> lock(mu_);
    files.swap(files_);
    created.swap(new_files_);
  }
  Status result = Status::Ok();
  for (const auto& [name, state] : files) {
    if (created.count(name)) continue;
    uint64_t size = 0;
    if (!target()->GetFileSize(name, &size).ok()) continue;  // gone (removed before the power loss)
    // Compare with the real size, not `pos`: appends after PowerOff reached
    // the file without moving `pos`.
    if (size <= state->synced) continue;
    if (::truncate(name.c_str(), static_cast<off_t>(state->synced)) != 0) {
      result = Status::Io("truncate " + name + ": " + std::strerror(errno));
      continue;
    }
    ++r.truncated_files;
    r.dropped_bytes += size - state->synced;
  }
  for (const auto& name : created) {
    uint64_t size = 0;
    if (!target()->GetFileSize(name, &size).ok()) continue;
    if (target()->RemoveFile(name).ok()) {
      ++r.removed_files;
      r.dropped_bytes += size;
    } else {
      result = Status::Io("cannot remove " + name);
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    powered_ = true;
  }
  if (report) *report = r;
  return result;
}

uint64_t FaultEnv::UnsyncedBytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t n = 0;
  for (const auto& [name, f] : files_) n += f->pos - f->synced;
  return n;
}

void FaultEnv::FailAppendsAfter(uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  append_budget_ = bytes;
}

void FaultEnv::FailSyncs(bool on) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_syncs_ = on;
}

void FaultEnv::ClearFaults() {
  std::lock_guard<std::mutex> lock(mu_);
  append_budget_.reset();
  fail_syncs_ = false;
}

void FaultEnv::BlockSyncsAfter(uint64_t pass) {
  std::lock_guard<std::mutex> lock(mu_);
  syncs_to_pass_ = pass;
}

void FaultEnv::UnblockSyncs() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    syncs_to_pass_.reset();
  }
  cv_.notify_all();
}

bool FaultEnv::WaitForBlockedSync(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return sync_blocked_; });
}

uint64_t FaultEnv::injected_errors() const {
  std::lock_guard<std::mutex> lock(mu_);
  return injected_errors_;
}

uint64_t FaultEnv::syncs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return syncs_;
}

uint64_t FaultEnv::bytes_appended() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_appended_;
}

}  // namespace wardsync::test
