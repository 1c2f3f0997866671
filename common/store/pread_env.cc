#include "common/store/pread_env.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace wardsync {
namespace {

leveldb::Status IoError(const std::string& name, int err) {
  return leveldb::Status::IOError(name, std::strerror(err));
}

class PreadFile : public leveldb::RandomAccessFile {
 public:
  PreadFile(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  ~PreadFile() override { ::close(fd_); }

  leveldb::Status Read(uint64_t offset, size_t n, leveldb::Slice* result, char* scratch) const override {
    ssize_t r;
    do {
      r = ::pread(fd_, scratch, n, static_cast<off_t>(offset));
    } while (r < 0 && errno == EINTR);
    *result = leveldb::Slice(scratch, r < 0 ? 0 : static_cast<size_t>(r));
    if (r < 0) return IoError(name_, errno);
    return leveldb::Status::OK();
  }

 private:
  const int fd_;
  const std::string name_;
};

class PreadEnvImpl : public leveldb::EnvWrapper {
 public:
  PreadEnvImpl() : leveldb::EnvWrapper(leveldb::Env::Default()) {}

  leveldb::Status NewRandomAccessFile(const std::string& name, leveldb::RandomAccessFile** result) override {
    *result = nullptr;
    const int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return IoError(name, errno);
    *result = new PreadFile(fd, name);
    return leveldb::Status::OK();
  }
};

}  // namespace

leveldb::Env* PreadEnv() {
  static PreadEnvImpl* env = new PreadEnvImpl();
  return env;
}

}  // namespace wardsync
