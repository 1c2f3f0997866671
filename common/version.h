// Protocol and software versions. The protocol version log is in proto/PROTOCOL.md.
#pragma once
#include <cstdint>

namespace wardsync {
inline constexpr uint32_t kProtocolVersion = 1;        // newest this build speaks
inline constexpr uint32_t kMinProtocolVersion = 1;     // oldest it still accepts
inline constexpr const char* kSoftwareVersion = "0.1.0";
}  // namespace wardsync
