#include "server/pull/shared_pages.h"

#include <algorithm>
#include <atomic>

#include "common/wire/compression.h"
#include "proto/records.pb.h"
#include "proto/store.pb.h"
#include "server/pull/page_cuts.h"
#include "server/store/server_keys.h"

namespace wardsync::server {

struct SharedPullPages::Page {
  std::string zstd;       // Frame{pull_batch{records}}, compressed once
  uint64_t content = 0;   // its size decompressed
  uint64_t cursor = 0;    // where the page ends
  uint64_t stop_seq = 0;  // ended the read (pull_reader.h Trace): a device's head must reach it
  uint64_t records = 0;
  std::vector<RawPullPage::Skipped> skipped;
  std::vector<std::string> held;          // quarantined ids when read
  std::unordered_set<std::string> met;    // record ids met up to stop_seq
  std::atomic<uint64_t> clean_through{0};  // no write to a met record up to this log seq (after stop_seq)
  size_t bytes = 0;
  bool split = false;  // ended by its byte or record bound: its end is where other devices' next pages start
};

namespace {

Result<std::vector<std::string>> QuarantinedIds(KvReader& view) {
  std::vector<std::string> ids;
  auto it = view.Scan(keys::kQuarantinePrefix);
  for (; it->Valid(); it->Next()) ids.emplace_back(it->key().substr(keys::kQuarantinePrefix.size()));
  WS_RETURN_IF_ERROR(it->status());
  return ids;  // in key order: two reads of the same set compare equal
}

// The log seq of the device's first own change-set in the asked range, or
// UINT64_MAX if it has none stored: a stamp of that range is in no record
// written before it.
Result<uint64_t> FirstOwnLogSeq(KvReader& view, const OwnEchoAsk& own) {
  const std::string prefix = keys::ChangeSetPrefix(own.range.device_id);
  auto it = view.Scan(prefix, keys::ChangeSet(own.range.device_id, own.range.from_seq));
  if (!it->Valid()) {
    WS_RETURN_IF_ERROR(it->status());
    return UINT64_MAX;
  }
  if (wardsync::keys::ReadU64(it->key().substr(prefix.size())) > own.range.to_seq) return UINT64_MAX;
  wardsync::store::StoredChangeSet cs;
  if (!cs.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())))
    return Status::Corruption("stored change-set does not parse");
  return cs.first_log_seq();
}

// Whether a stored RecordState is a placeholder (field 11, a varint), read
// from its top-level fields without parsing the record. Unknown wire forms
// answer true (the page is then not shared).
bool MaybePlaceholder(std::string_view b) {
  size_t i = 0;
  const auto varint = [&](uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64 && i < b.size(); shift += 7) {
      const uint8_t c = static_cast<uint8_t>(b[i++]);
      *v |= static_cast<uint64_t>(c & 0x7f) << shift;
      if (!(c & 0x80)) return true;
    }
    return false;
  };
  while (i < b.size()) {
    uint64_t tag = 0, v = 0;
    if (!varint(&tag)) return true;
    const uint64_t field = tag >> 3;
    switch (tag & 7) {
      case 0:
        if (!varint(&v)) return true;
        if (field == records::RecordState::kPlaceholderFieldNumber && v != 0) return true;
        break;
      case 1: i += 8; break;
      case 2:
        if (!varint(&v) || v > b.size() - i) return true;
        i += v;
        break;
      case 5: i += 4; break;
      default: return true;
    }
  }
  return i != b.size();
}

// Scans the ward log after `from` in the view: false if an entry names a
// record of `met`; *last is the last seq seen (from if none).
Result<bool> Untouched(KvReader& view, const std::string& prefix, uint64_t from,
                       const std::unordered_set<std::string>& met, uint64_t* last) {
  *last = from;
  auto it = view.Scan(prefix, wardsync::keys::WithU64(prefix, from + 1));
  for (; it->Valid(); it->Next()) {
    if (met.count(std::string(it->value()))) return false;
    *last = wardsync::keys::ReadU64(it->key().substr(prefix.size()));
  }
  WS_RETURN_IF_ERROR(it->status());
  return true;
}

std::string Tail(uint64_t cursor, uint64_t log_head) {
  RawPullPage tail;
  tail.cursor = cursor;
  tail.more = true;
  tail.remaining = log_head > cursor ? log_head - cursor : 0;
  return EncodePullFrame(tail);
}

}  // namespace

std::shared_ptr<SharedPullPages::Page> SharedPullPages::Find(const Key& key) {
  std::lock_guard lock(mu_);
  auto it = pages_.find(key);
  return it == pages_.end() ? nullptr : it->second;
}

void SharedPullPages::Drop(const Key& key, const std::shared_ptr<Page>& page) {
  std::lock_guard lock(mu_);
  ++stats_.stale;
  auto it = pages_.find(key);
  if (it == pages_.end() || it->second != page) return;
  bytes_ -= page->bytes;
  Forget(key, *page);
  pages_.erase(it);
  order_.remove(key);
}

void SharedPullPages::Forget(const Key& key, const Page& page) {
  if (!page.split) return;
  auto it = split_ends_.find({std::get<0>(key), page.cursor});
  if (it != split_ends_.end()) split_ends_.erase(it);
}

bool SharedPullPages::SplitPoint(const std::string& scope, uint64_t seq) {
  std::lock_guard lock(mu_);
  return split_ends_.count({scope, seq}) > 0;
}

void SharedPullPages::Insert(const Key& key, std::shared_ptr<Page> page) {
  std::lock_guard lock(mu_);
  ++stats_.fills;
  if (page->bytes > max_bytes_) return;
  if (auto it = pages_.find(key); it != pages_.end()) {  // another device filled it meanwhile: keep the newer
    bytes_ -= it->second->bytes;
    Forget(key, *it->second);
    order_.remove(key);
  }
  bytes_ += page->bytes;
  if (page->split) split_ends_.insert({std::get<0>(key), page->cursor});
  pages_[key] = std::move(page);
  order_.push_back(key);
  while (bytes_ > max_bytes_ && !order_.empty()) {
    auto old = pages_.find(order_.front());
    bytes_ -= old->second->bytes;
    Forget(old->first, *old->second);
    pages_.erase(old);
    order_.pop_front();
  }
}

SharedPullPages::Stats SharedPullPages::stats() {
  std::lock_guard lock(mu_);
  return stats_;
}

size_t SharedPullPages::bytes() {
  std::lock_guard lock(mu_);
  return bytes_;
}

Result<EncodedPullPage> SharedPullPages::Read(KvReader& view, const PullAsk& ask) {
  const OwnEchoAsk* own = ask.own && !ask.own->empty() ? ask.own : nullptr;
  if (ask.scope_ward.empty() || !ask.compressed) {
    return ReadPullFrame(view, ask.scope_ward, ask.cursor, ask.max_records, ask.max_frame_bytes, ask.log_head,
                         ask.max_record_bytes, own);
  }
  const uint32_t max_records = ask.max_records == 0 ? 1 : ask.max_records;
  const Key key{ask.scope_ward, ask.cursor, max_records, ask.max_frame_bytes, ask.max_record_bytes};
  const std::string prefix = keys::WardLogPrefix(ask.scope_ward);
  auto held = QuarantinedIds(view);
  if (!held.ok()) return held.status();
  uint64_t own_from = 0;  // 0: not read yet
  const auto own_first = [&]() -> Result<uint64_t> {
    if (!own) return UINT64_MAX;
    if (!own_from) {
      auto first = FirstOwnLogSeq(view, *own);
      if (!first.ok()) return first.status();
      own_from = *first;
    }
    return own_from;
  };

  if (auto page = Find(key)) {
    bool usable = ask.log_head >= page->stop_seq && *held == page->held;
    if (usable && own) {
      auto first = own_first();
      if (!first.ok()) return first.status();
      usable = *first > page->stop_seq;
    }
    if (usable) {
      uint64_t last = 0;
      auto clean = Untouched(view, prefix, page->clean_through.load(), page->met, &last);
      if (!clean.ok()) return clean.status();
      if (!*clean) {
        Drop(key, page);
      } else {
        // Later checks start here (views of other devices may be older:
        // what this one saw clean is clean in theirs too).
        uint64_t seen = page->clean_through.load();
        while (seen < last && !page->clean_through.compare_exchange_weak(seen, last)) {
        }
        std::string spliced = wire::ZstdAppendRaw(page->zstd, page->content, Tail(page->cursor, ask.log_head));
        if (!spliced.empty()) {
          {
            std::lock_guard lock(mu_);
            ++stats_.hits;
          }
          EncodedPullPage out;
          out.payload = wire::SealEnvelope(spliced);
          out.records = page->records;
          out.skipped = page->skipped;
          return out;
        }
      }
    }
  }
  {
    std::lock_guard lock(mu_);
    ++stats_.misses;
  }

  // Read as ReadPullFrame does, with cut points.
  const PageBounds bounds = PullPageBounds(ask.max_frame_bytes, ask.max_record_bytes);
  RawPullPage::Trace trace;
  auto raw = ReadPullRaw(view, ask.scope_ward, ask.cursor, max_records, bounds.budget, ask.log_head, bounds.one,
                         &trace, IsCutPoint, kCutMinEntries);
  if (!raw.ok()) return raw.status();
  // Shared by other devices only if it starts where their pulls pass: at a
  // cut point, or where a page ended by its byte or record bound (as this
  // one is, when not cut) will make the next start. A page not cut only
  // because the head was near is another page for a later head.
  bool share = raw->more && trace.stop_seq > 0 && !trace.head_dependent &&
               (!trace.cut || IsCutPoint(ask.cursor) || SplitPoint(ask.scope_ward, ask.cursor));
  for (const auto& m : trace.met) share = share && !m.absent;
  // A placeholder can change ward (common/reconcile/merge.cc), and its write
  // would then be logged in another ward's log than the one checked.
  if (share) {
    share = !MaybePlaceholder(trace.stop_value);
    for (const auto& r : raw->records) share = share && !MaybePlaceholder(r);
  }
  if (share && own) {
    auto first = own_first();
    if (!first.ok()) return first.status();
    share = *first > trace.stop_seq;
  }
  std::shared_ptr<Page> page;
  if (share) {
    page = std::make_shared<Page>();
    for (const auto& m : trace.met) page->met.insert(m.record_id);
    uint64_t last = 0;
    auto clean = Untouched(view, prefix, trace.stop_seq, page->met, &last);
    if (!clean.ok()) return clean.status();
    share = *clean;
    page->clean_through = last;
  }
  EncodedPullPage out;
  out.records = raw->records.size();
  if (!share) {
    if (own) LeaveOutOwnEchoes(*raw, *own);
    out.records = raw->records.size();
    out.skipped = std::move(raw->skipped);
    out.payload = EncodePullFrame(*raw);
    return out;
  }
  // The records part alone (no cursor, more, remaining: those are each device's tail).
  RawPullPage records_part;
  records_part.records = std::move(raw->records);
  const std::string content = EncodePullFrame(records_part);
  page->zstd = wire::ZstdCompress(content);
  page->content = content.size();
  page->cursor = raw->cursor;
  page->stop_seq = trace.stop_seq;
  page->records = out.records;
  page->skipped = raw->skipped;
  page->held = std::move(*held);
  std::string spliced = wire::ZstdAppendRaw(page->zstd, page->content, Tail(page->cursor, ask.log_head));
  out.skipped = std::move(raw->skipped);
  if (spliced.empty() || spliced.size() + 64 >= content.size()) {
    // Not worth it compressed (or not spliceable): sent as it is, not kept.
    out.payload = content + Tail(raw->cursor, ask.log_head);
    return out;
  }
  page->bytes = page->zstd.size() + page->met.size() * 64 + sizeof(Page);
  page->split = !trace.cut;
  out.payload = wire::SealEnvelope(spliced);
  Insert(key, std::move(page));
  return out;
}

}  // namespace wardsync::server
