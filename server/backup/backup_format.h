// The backup file's framing (the layout is in proto/backup.proto): the
// magic, the 4-byte big-endian lengths, and what a reader accepts.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace wardsync::server::backup {

inline constexpr std::string_view kMagic = "WARDSYNC-BACKUP1";   // 16 bytes
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr size_t kHashBytes = 32;
inline constexpr size_t kTrailerBytes = 4 + kHashBytes;        // manifest length + SHA-256
// Bounds a reader holds a damaged file to (a writer stays far below them).
inline constexpr uint32_t kMaxManifestBytes = 16u << 20;
inline constexpr uint32_t kMaxItemBytes = 64u << 20;
// What a writer puts in one item.
inline constexpr size_t kItemTargetBytes = 1u << 20;

inline void PutBe32(std::string* out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out->push_back(static_cast<char>((v >> (i * 8)) & 0xff));
}

inline uint32_t GetBe32(std::string_view s) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(s[i]);
  return v;
}

}  // namespace wardsync::server::backup
