// Names the local user behind an administrative command (audit records).
#include <pwd.h>
#include <unistd.h>

#include <vector>

#include "server/admin/admin_env.h"

namespace wardsync::server {

LocalOperator OperatorForUid(uint32_t uid) {
  LocalOperator op;
  op.uid = uid;
  struct passwd pw {};
  struct passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found && found->pw_name) {
    op.name = found->pw_name;
  } else {
    op.name = "uid " + std::to_string(uid);
  }
  return op;
}

LocalOperator AdminEnv::Operator() const { return OperatorForUid(static_cast<uint32_t>(::getuid())); }

}  // namespace wardsync::server
