#include "server/pull/pull_frame.h"

#include <algorithm>

#include "proto/sync.pb.h"

namespace wardsync::server {

namespace {

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Wire tags: (field number << 3) | wire type (0 varint, 2 length-delimited).
constexpr uint32_t Tag(int field, int type) { return static_cast<uint32_t>(field << 3 | type); }

}  // namespace

std::string EncodePullFrame(RawPullPage& page) {
  using sync::Frame;
  using sync::PullBatch;
  // PullBatch fields in field-number order, zero values left out (proto3).
  size_t body = 0;
  for (const auto& r : page.records) body += 1 + VarintSize(r.size()) + r.size();
  if (page.cursor) body += 1 + VarintSize(page.cursor);
  if (page.more) body += 2;
  if (page.remaining) body += 1 + VarintSize(page.remaining);
  body += page.extra_fields.size();

  std::string out;
  out.reserve(1 + VarintSize(body) + body);
  PutVarint(Tag(Frame::kPullBatchFieldNumber, 2), &out);
  PutVarint(body, &out);
  for (auto& r : page.records) {
    PutVarint(Tag(PullBatch::kRecordsFieldNumber, 2), &out);
    PutVarint(r.size(), &out);
    out.append(r);
    std::string().swap(r);  // the bytes now live in `out` only
  }
  page.records.clear();
  if (page.cursor) {
    PutVarint(Tag(PullBatch::kCursorFieldNumber, 0), &out);
    PutVarint(page.cursor, &out);
  }
  if (page.more) {
    PutVarint(Tag(PullBatch::kMoreFieldNumber, 0), &out);
    PutVarint(1, &out);
  }
  if (page.remaining) {
    PutVarint(Tag(PullBatch::kRemainingFieldNumber, 0), &out);
    PutVarint(page.remaining, &out);
  }
  out.append(page.extra_fields);
  return out;
}

std::string EncodeRecordsFrame(const std::string* records, size_t n) {
  size_t body = 0;
  for (size_t i = 0; i < n; ++i) body += 1 + VarintSize(records[i].size()) + records[i].size();
  std::string out;
  out.reserve(1 + VarintSize(body) + body);
  PutVarint(Tag(sync::Frame::kPullBatchFieldNumber, 2), &out);
  PutVarint(body, &out);
  for (size_t i = 0; i < n; ++i) {
    PutVarint(Tag(sync::PullBatch::kRecordsFieldNumber, 2), &out);
    PutVarint(records[i].size(), &out);
    out.append(records[i]);
  }
  return out;
}

PageBounds PullPageBounds(uint32_t max_frame_bytes, uint64_t max_record_bytes) {
  // Frame tag + length, cursor, more, remaining (a shared page's tail is a
  // second frame header and these: shared_pages.h).
  constexpr uint64_t kOwnFields = 64;
  const uint64_t limit = std::min(max_frame_bytes, kMaxPullPageBytes);
  const uint64_t budget = limit > kOwnFields ? limit - kOwnFields : limit;
  const uint64_t whole = max_frame_bytes > kOwnFields ? max_frame_bytes - kOwnFields : max_frame_bytes;
  const uint64_t one = std::min(whole, max_record_bytes == UINT64_MAX ? UINT64_MAX : max_record_bytes + RawPullPage::kRecordOverhead);
  return {budget, one};
}

Result<EncodedPullPage> ReadPullFrame(KvReader& store, const std::string& scope_ward, uint64_t cursor,
                                      uint32_t max_records, uint32_t max_frame_bytes, uint64_t log_head,
                                      uint64_t max_record_bytes, const OwnEchoAsk* own) {
  const PageBounds b = PullPageBounds(max_frame_bytes, max_record_bytes);
  auto raw = ReadPullRaw(store, scope_ward, cursor, max_records, b.budget, log_head, b.one);
  if (!raw.ok()) return raw.status();
  if (own) LeaveOutOwnEchoes(*raw, *own);
  EncodedPullPage out;
  out.records = raw->records.size();
  out.skipped = std::move(raw->skipped);
  out.payload = EncodePullFrame(*raw);
  return out;
}

}  // namespace wardsync::server
