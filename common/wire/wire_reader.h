// Protobuf wire format by hand, for the scans that read a message's bytes
// without parsing it (frame_scan.h, record_scan.h, signature_runs.cc): a
// cursor reading tags, varints and lengths (nothing allocated, every read
// bounds-checked), and the varint writer.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace wardsync::wire {

// A cursor over protobuf wire format; every read is bounds-checked.
struct WireReader {
  const unsigned char* p;
  const unsigned char* end;

  bool Varint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p == end) return false;
      const unsigned char b = *p++;
      *v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  // Skips one field's value of `wire_type`; the length-delimited bytes are
  // returned in *bytes.
  bool Skip(uint32_t wire_type, std::string_view* bytes) {
    uint64_t n = 0;
    switch (wire_type) {
      case 0:
        return Varint(&n);
      case 1:
        if (end - p < 8) return false;
        p += 8;
        return true;
      case 5:
        if (end - p < 4) return false;
        p += 4;
        return true;
      case 2:
        if (!Varint(&n) || n > static_cast<uint64_t>(end - p)) return false;
        *bytes = std::string_view(reinterpret_cast<const char*>(p), n);
        p += n;
        return true;
      case 3:
        return SkipGroup(0);
      default:
        return false;  // an end-group (4) with no group open, or not a wire type
    }
  }
  // Skips the rest of a group whose start tag was just read: these messages
  // declare none, but protobuf keeps one as an unknown field, so a scan
  // must step over it as a parse does (not checking that the end names the
  // group it closes, which a parse does). Nesting bounded like protobuf's.
  bool SkipGroup(int depth) {
    if (depth >= 100) return false;
    for (;;) {
      uint64_t tag = 0;
      if (!Varint(&tag)) return false;
      const auto type = static_cast<uint32_t>(tag & 7);
      if (type == 4) return true;
      std::string_view ignored;
      if (type == 3 ? !SkipGroup(depth + 1) : !Skip(type, &ignored)) return false;
    }
  }
  // Reads a field's tag only (its value is next: Varint for wire type 0,
  // else Skip), for a scan that takes a varint's value.
  bool Tag(uint32_t* number, uint32_t* wire_type) {
    uint64_t tag = 0;
    if (!Varint(&tag) || (tag >> 3) == 0 || (tag >> 3) > 0x1fffffff) return false;
    *number = static_cast<uint32_t>(tag >> 3);
    *wire_type = static_cast<uint32_t>(tag & 7);
    return true;
  }
  bool Field(uint32_t* number, uint32_t* wire_type, std::string_view* bytes) {
    uint64_t tag = 0;
    if (!Varint(&tag) || (tag >> 3) == 0 || (tag >> 3) > 0x1fffffff) return false;
    *number = static_cast<uint32_t>(tag >> 3);
    *wire_type = static_cast<uint32_t>(tag & 7);
    *bytes = {};
    return Skip(*wire_type, bytes);
  }
};

inline WireReader Over(std::string_view s) {
  auto* b = reinterpret_cast<const unsigned char*>(s.data());
  return WireReader{b, b + s.size()};
}


// Appends `v` as a protobuf varint (what WireReader::Varint reads).
inline void AppendVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

}  // namespace wardsync::wire
