#include "common/wire/framing.h"

#include <algorithm>

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

void FrameDecoder::Regrow(size_t want) {
  std::string grown;
  grown.reserve(want);
  grown.append(buf_, pos_, std::string::npos);
  buf_.swap(grown);
  pos_ = 0;
}

Status FrameDecoder::CheckHeader() {
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

Status FrameDecoder::Feed(std::string_view bytes) {
  if (!failed_.ok()) return failed_;
  char* into = Reserve(bytes.size());
  std::copy(bytes.begin(), bytes.end(), into);
  return Commit(bytes.size());
}

char* FrameDecoder::Reserve(size_t n) {
  const size_t have = buf_.size() - pos_;
  size_t want = have + n;
  // The frame in progress is reserved whole once its length is known: a
  // large push arriving in 16 KiB reads is allocated once, at its size.
  if (failed_.ok() && have >= 4) want = std::max<size_t>(want, 4 + size_t{ReadLength(buf_.data() + pos_)});
  if (buf_.capacity() - pos_ < want) {
    Regrow(want);
  } else if (pos_ > 0 && pos_ >= buf_.size() / 2) {
    buf_.erase(0, pos_);  // compact consumed bytes before growing
    pos_ = 0;
  }
  const size_t at = buf_.size();
  buf_.resize(at + n);
  reserved_ = n;
  return buf_.data() + at;
}

Status FrameDecoder::Commit(size_t got) {
  got = std::min(got, reserved_);
  buf_.resize(buf_.size() - (reserved_ - got));
  reserved_ = 0;
  if (!failed_.ok()) return failed_;
  return CheckHeader();
}

size_t FrameDecoder::missing() const {
  const size_t have = buf_.size() - pos_;
  if (have < 4) return 4 - have;
  const size_t whole = 4 + size_t{ReadLength(buf_.data() + pos_)};
  return have >= whole ? 0 : whole - have;
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
  if (pos_ == 0 && buf_.size() == 4 + size_t{n}) {
    // The buffer is this frame alone (the usual case): hand it over rather
    // than copy it, so the decoder is left holding nothing.
    buf_.erase(0, 4);
    payload->swap(buf_);
    std::string().swap(buf_);
    return true;
  }
  payload->assign(buf_, pos_ + 4, n);
  pos_ += 4 + n;
  const size_t left = buf_.size() - pos_;
  if (left == 0) {
    // An idle connection must not keep the capacity of the last frame it
    // received; thousands of them would.
    std::string().swap(buf_);
    pos_ = 0;
  } else if (buf_.capacity() > 2 * left + 64) {
    // What follows (a pipelined frame, or its start) is kept at its own
    // size; halving at most each time keeps the copying linear.
    Regrow(left);
  }
  return true;
}

}  // namespace wardsync::wire
