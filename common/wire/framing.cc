#include "common/wire/framing.h"

namespace wardsync::wire {

void AppendFrame(std::string_view payload, std::string* out) {
  uint32_t n = static_cast<uint32_t>(payload.size());
  out->push_back(static_cast<char>(n >> 24));
  out->push_back(static_cast<char>(n >> 16));
  out->push_back(static_cast<char>(n >> 8));
  out->push_back(static_cast<char>(n));
  out->append(payload);
}

static uint32_t ReadLength(const char* p) {
  auto b = [&](int i) { return static_cast<uint32_t>(static_cast<unsigned char>(p[i])); };
  return (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
}

Status FrameDecoder::Feed(std::string_view bytes) {
  if (!failed_.ok()) return failed_;
  // Compact consumed bytes before growing.
  if (pos_ > 0 && pos_ >= buf_.size() / 2) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  buf_.append(bytes);
  // Validate the next header as soon as it is complete, so an absurd length
  // is refused before its payload is buffered.
  if (buf_.size() - pos_ >= 4) {
    uint32_t n = ReadLength(buf_.data() + pos_);
    if (n == 0 || n > max_) {
      failed_ = Status::Invalid("frame length " + std::to_string(n) + " outside 1.." + std::to_string(max_));
      return failed_;
    }
  }
  return Status::Ok();
}

uint32_t FrameDecoder::pending_frame_bytes() const {
  if (buf_.size() - pos_ < 4) return 0;
  return ReadLength(buf_.data() + pos_);
}

bool FrameDecoder::Next(std::string* payload) {
  if (!failed_.ok() || buf_.size() - pos_ < 4) return false;
  uint32_t n = ReadLength(buf_.data() + pos_);
  if (n == 0 || n > max_) {
    failed_ = Status::Invalid("frame length " + std::to_string(n) + " outside 1.." + std::to_string(max_));
    return false;
  }
  if (buf_.size() - pos_ - 4 < n) return false;
  payload->assign(buf_, pos_ + 4, n);
  pos_ += 4 + n;
  if (pos_ == buf_.size()) {
    // An idle connection must not keep the capacity of the largest frame
    // it ever received (a push batch); thousands of them would.
    if (buf_.capacity() > kKeepCapacityBytes) {
      std::string().swap(buf_);
    } else {
      buf_.clear();
    }
    pos_ = 0;
  }
  return true;
}

}  // namespace wardsync::wire
