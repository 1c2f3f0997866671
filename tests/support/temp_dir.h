// A fresh directory under /tmp for one test, removed with everything in it
// when the object goes away - unless WARDSYNC_KEEP_TMP is set in the
// environment, so a failing test's data can be looked at afterwards.
#pragma once
#include <string>

namespace wardsync::test {

class TempDir {
 public:
  // `tag` becomes part of the name (/tmp/wardsync-TAG-XXXXXX) to tell dirs apart.
  explicit TempDir(const std::string& tag = "test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name (not created).
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// True when WARDSYNC_KEEP_TMP is set (to anything but "" or "0").
bool KeepTempDirs();

}  // namespace wardsync::test
