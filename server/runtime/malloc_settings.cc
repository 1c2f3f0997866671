#include "server/runtime/malloc_settings.h"

#include <malloc.h>

#include <cstdlib>
#include <string>

namespace wardsync::server {
namespace {

Status Set(const char* env, int param, const char* what, size_t value) {
  if (value == 0 || std::getenv(env) != nullptr) return Status::Ok();
  if (mallopt(param, static_cast<int>(value)) != 1) {
    return Status::Invalid(std::string("glibc refused ") + what + " = " + std::to_string(value));
  }
  return Status::Ok();
}

}  // namespace

Status ApplyMallocSettings(const MallocSettings& s) {
  WS_RETURN_IF_ERROR(Set("MALLOC_ARENA_MAX", M_ARENA_MAX, "M_ARENA_MAX", s.arenas));
  WS_RETURN_IF_ERROR(Set("MALLOC_MMAP_THRESHOLD_", M_MMAP_THRESHOLD, "M_MMAP_THRESHOLD", s.mmap_threshold));
  return Set("MALLOC_TRIM_THRESHOLD_", M_TRIM_THRESHOLD, "M_TRIM_THRESHOLD", s.trim_threshold);
}

}  // namespace wardsync::server
