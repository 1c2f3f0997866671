// Ordered key encoding: numbers big-endian so byte order is numeric order.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace wardsync::keys {

inline void AppendU64(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((v >> (i * 8)) & 0xff));
}

inline uint64_t ReadU64(std::string_view s) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < s.size(); ++i) v = (v << 8) | static_cast<unsigned char>(s[i]);
  return v;
}

// prefix + parts joined by '/', the last part optionally a big-endian number.
inline std::string Make(std::string_view prefix, std::string_view part) {
  std::string k(prefix);
  k.append(part);
  return k;
}

inline std::string WithU64(std::string_view prefix, uint64_t v) {
  std::string k(prefix);
  AppendU64(&k, v);
  return k;
}

}  // namespace wardsync::keys
