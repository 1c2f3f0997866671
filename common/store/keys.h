// Ordered key encoding: numbers big-endian so byte order is numeric order.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace wardsync::keys {

inline void AppendU64(std::string* out, uint64_t v) {
  char bytes[8];
  for (int i = 7; i >= 0; --i, v >>= 8) bytes[i] = static_cast<char>(v & 0xff);
  out->append(bytes, 8);
}

inline uint64_t ReadU64(std::string_view s) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < s.size(); ++i) v = (v << 8) | static_cast<unsigned char>(s[i]);
  return v;
}

// prefix + parts joined by '/', the last part optionally a big-endian number.
// Keys are made in one allocation (the server makes several per record it
// ingests): the room is reserved before the parts are appended.
inline std::string Make(std::string_view prefix, std::string_view part) {
  std::string k;
  k.reserve(prefix.size() + part.size());
  k.append(prefix);
  k.append(part);
  return k;
}

inline std::string WithU64(std::string_view prefix, uint64_t v) {
  std::string k;
  k.reserve(prefix.size() + 8);
  k.append(prefix);
  AppendU64(&k, v);
  return k;
}

// prefix + part + separator + v (big-endian), in one allocation.
inline std::string WithPartU64(std::string_view prefix, std::string_view part, char separator, uint64_t v) {
  std::string k;
  k.reserve(prefix.size() + part.size() + 1 + 8);
  k.append(prefix);
  k.append(part);
  k.push_back(separator);
  AppendU64(&k, v);
  return k;
}

}  // namespace wardsync::keys
