#include "server/pull/shared_pages.h"

#include <algorithm>
#include <atomic>
#include <functional>

#include "common/wire/compression.h"
#include "common/wire/record_scan.h"
#include "common/wire/zstd_splice.h"
#include "proto/records.pb.h"
#include "proto/store.pb.h"
#include "server/pull/page_cuts.h"
#include "server/store/server_keys.h"

namespace wardsync::server {

// A page, or a piece (a KeptRun: what ReadPullRaw needs to take it whole).
struct SharedPullPages::Page : KeptRun {
  std::string zstd;       // Frame{pull_batch{records}} (a piece), or a page's spliced parts, compressed once
  uint64_t content = 0;   // its size decompressed
  uint64_t cursor = 0;    // where the page ends
  uint64_t stop_seq = 0;  // ended the read (pull_reader.h Trace): a device's head must reach it
  std::vector<std::string> held;          // quarantined ids when read
  // KeptRun::ids: the record ids met up to stop_seq.
  std::atomic<uint64_t> clean_through{0};  // no write to a met record up to this log seq (after stop_seq)
  size_t memory = 0;  // held in memory (KeptRun::bytes is the records' encoded size)
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
                       const SharedPullPages::IdSet& met, uint64_t* last) {
  *last = from;
  auto it = view.Scan(prefix, wardsync::keys::WithU64(prefix, from + 1));
  for (; it->Valid(); it->Next()) {
    if (met.count(it->value())) return false;
    *last = wardsync::keys::ReadU64(it->key().substr(prefix.size()));
  }
  WS_RETURN_IF_ERROR(it->status());
  return true;
}

// Whether records read in a view (their bytes as read) were written after
// `stop`: a record's every write is an entry of the ward log at the
// log_seq it gives the record (ingest_group.cc), so if none has a log_seq
// after `stop`, the log names none of them after it in that view, and a new
// page or piece is known fresh without scanning the log (that scan, once per
// piece filled older than the window of recent writes, made a long pull
// quadratic in the log: a device pulling back its 50,000-record backlog
// spent ~8 s of server CPU in it). nullopt: a record's bytes do not say.
std::optional<bool> WrittenAfter(const std::string* records, size_t n, const std::string* also, uint64_t stop) {
  wire::PulledRecordHead head;
  bool unknown = false;
  for (size_t i = 0; i < n + (also ? 1 : 0); ++i) {
    if (!wire::ScanRecordHead(i < n ? records[i] : *also, &head) || head.log_seq == 0) {
      unknown = true;
    } else if (head.log_seq > stop) {
      return true;
    }
  }
  if (unknown) return std::nullopt;
  return false;
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
  bytes_ -= page->memory;
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
  if (page->memory > max_bytes_) return;
  if (auto it = pages_.find(key); it != pages_.end()) {  // another device filled it meanwhile: keep the newer
    bytes_ -= it->second->memory;
    Forget(key, *it->second);
    order_.remove(key);
  }
  bytes_ += page->memory;
  if (page->split) split_ends_.insert({std::get<0>(key), page->cursor});
  pages_[key] = std::move(page);
  order_.push_back(key);
  while (bytes_ + recent_bytes_.load() > max_bytes_ && !order_.empty()) {
    auto old = pages_.find(order_.front());
    bytes_ -= old->second->memory;
    Forget(old->first, *old->second);
    pages_.erase(old);
    order_.pop_front();
  }
}

void SharedPullPages::Count(uint64_t Stats::*counter) {
  std::lock_guard lock(mu_);
  ++(stats_.*counter);
}

Result<bool> SharedPullPages::Unwritten(KvReader& view, const std::string& scope, const std::string& prefix,
                                        uint64_t log_head, uint64_t stop, const std::vector<std::string>& ids,
                                        std::atomic<uint64_t>& checked, bool* caught_up,
                                        const RecordsSay& records_say) {
  const std::hash<std::string_view> hash;
  {
    std::lock_guard lock(recent_mu_);
    auto [it, created] = recent_.try_emplace(scope);
    Recent& r = it->second;
    if (created) r.from = r.through = log_head;  // nothing known before: older pages scan
    // Up to the end of this view (an older view has nothing new).
    if (!*caught_up) {
      auto scan = view.Scan(prefix, wardsync::keys::WithU64(prefix, r.through + 1));
      for (; scan->Valid(); scan->Next()) {
        const uint64_t seq = wardsync::keys::ReadU64(scan->key().substr(prefix.size()));
        const uint64_t h = hash(scan->value());
        r.last[h] = seq;
        r.order.emplace_back(seq, h);
        r.through = seq;
      }
      WS_RETURN_IF_ERROR(scan->status());
      *caught_up = true;
    }
    while (r.order.size() > kRecentEntries) {
      const auto [seq, h] = r.order.front();
      r.order.pop_front();
      if (auto f = r.last.find(h); f != r.last.end() && f->second == seq) r.last.erase(f);
      r.from = seq;
    }
    if (stop >= r.from) {
      size_t total = 0;
      for (const auto& [ward, w] : recent_) total += w.order.size() * 64;  // deque entry, map node, bucket
      recent_bytes_ = total;
      for (const auto& id : ids) {
        if (auto f = r.last.find(hash(id)); f != r.last.end() && f->second > stop) return false;
      }
      return true;
    }
  }
  // Older than the window: what the records just read say (no scan), else
  // the log after what is known clean.
  if (records_say) {
    if (const std::optional<bool> written = records_say()) {
      if (*written) return false;
      // The view holds the log up to the asked head at least.
      uint64_t seen = checked.load();
      while (seen < log_head && !checked.compare_exchange_weak(seen, log_head)) {
      }
      return true;
    }
  }
  const IdSet met(ids.begin(), ids.end());
  uint64_t last = 0;
  auto clean = Untouched(view, prefix, checked.load(), met, &last);
  if (!clean.ok() || !*clean) return clean;
  // Later checks start here (views of other devices may be older: what
  // this one saw clean is clean in theirs too).
  uint64_t seen = checked.load();
  while (seen < last && !checked.compare_exchange_weak(seen, last)) {
  }
  return true;
}

bool SharedPullPages::Roomy() {
  std::lock_guard lock(mu_);
  return 2 * (bytes_ + recent_bytes_.load()) < max_bytes_;
}

SharedPullPages::Stats SharedPullPages::stats() {
  std::lock_guard lock(mu_);
  return stats_;
}

size_t SharedPullPages::bytes() {
  std::lock_guard lock(mu_);
  return bytes_;
}

namespace {

// Pieces are kept beside pages, under (ward, start, 0, 0, record bound): a
// page's max_records is never 0. A piece depends on the bound of a single
// record (which records are skipped), not on the page's bounds: a read
// takes it only whole.
constexpr uint32_t kPieceTag = 0;
// A spliced page holds more than its records (pull_frame.h's 64 bytes for
// the own fields): each piece or part is a pull_batch occurrence (<= 6
// bytes), and a piece behind another a reset block's 96-byte filler
// (zstd_splice.h). Pieces only for frame limits with room for that.
constexpr uint32_t kSpliceSlack = 32u << 10;
constexpr size_t kMaxRunsPerPage = 128;
constexpr bool kKeepSplicedPages = false;  // 128 x ~102 bytes < kSpliceSlack
// A device's own part of a spliced page (its cursor to the first fine
// point, the last one to the end: ~16 entries, ~10 KB in bench S4) is
// compressed for it alone when at least this large: the page waits in
// memory until sent (the burst's RSS). Sent raw instead, its TLS
// encryption cost about the instructions the compression saved (callgrind,
// session 12), with ~3x the bytes.
constexpr size_t kCompressPartBytes = 2048;

// A page or piece besides its bytes and ids: the object, its map and list
// entries (each with a copy of the key).
constexpr size_t kEntryBytes = 512;
// What a page's record ids hold: the strings and, past the short-string
// buffer, their heap blocks.
size_t IdsMemory(const std::vector<std::string>& ids) {
  size_t n = ids.capacity() * sizeof(std::string);
  for (const auto& id : ids) n += id.size() > 15 ? id.size() + 17 : 0;
  return n;
}

}  // namespace

struct SharedPullPages::PieceSource final : RunSource {
  SharedPullPages& cache;
  KvReader& view;
  const PullAsk& ask;
  const std::string& prefix;
  const std::vector<std::string>& held;
  const uint64_t one;
  const std::function<Result<uint64_t>()>& own_first;
  Status error;
  size_t taken = 0;
  bool caught_up = false;  // Unwritten: this view's entries are in the ward's window

  PieceSource(SharedPullPages& c, KvReader& v, const PullAsk& a, const std::string& p,
              const std::vector<std::string>& h, uint64_t o, const std::function<Result<uint64_t>()>& f)
      : cache(c), view(v), ask(a), prefix(p), held(h), one(o), own_first(f) {}

  Key KeyAt(uint64_t seq) const { return {ask.scope_ward, seq, kPieceTag, kPieceTag, one}; }

  bool Boundary(uint64_t seq) override { return IsFinePoint(seq); }

  std::shared_ptr<const KeptRun> At(uint64_t seq) override {
    if (!error.ok() || taken >= kMaxRunsPerPage) return nullptr;
    const Key key = KeyAt(seq);
    auto piece = cache.Find(key);
    if (!piece || ask.log_head < piece->end || piece->held != held) return nullptr;
    auto first = own_first();
    if (!first.ok()) {
      error = first.status();
      return nullptr;
    }
    if (*first <= piece->end) return nullptr;  // may hold one of the device's own records
    auto clean = cache.Unwritten(view, ask.scope_ward, prefix, ask.log_head, piece->end, piece->ids,
                                 piece->clean_through, &caught_up);
    if (!clean.ok()) {
      error = clean.status();
      return nullptr;
    }
    if (!*clean) {
      cache.Drop(key, piece);
      return nullptr;
    }
    ++taken;
    cache.Count(&Stats::piece_hits);
    return piece;
  }
};

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
  const std::function<Result<uint64_t>()> own_first = [&]() -> Result<uint64_t> {
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
      bool caught_up = false;
      auto clean = Unwritten(view, ask.scope_ward, prefix, ask.log_head, page->stop_seq, page->ids,
                             page->clean_through, &caught_up);
      if (!clean.ok()) return clean.status();
      if (!*clean) {
        Drop(key, page);
      } else {
        std::string spliced = wire::ZstdAppendRaw(page->zstd, page->content, Tail(page->cursor, ask.log_head));
        if (!spliced.empty()) {
          Count(&Stats::hits);
          EncodedPullPage out;
          out.payload = wire::SealEnvelope(spliced);
          out.records = page->records;
          out.skipped = page->skipped;
          return out;
        }
      }
    }
  }
  Count(&Stats::misses);

  // Read as ReadPullFrame does, with cut points, and pieces when the frame
  // limit has room for a splice.
  const PageBounds bounds = PullPageBounds(ask.max_frame_bytes, ask.max_record_bytes);
  const bool pieces_on = ask.max_frame_bytes >= kMaxPullPageBytes + kSpliceSlack;
  PieceSource pieces(*this, view, ask, prefix, *held, bounds.one, own_first);
  RawPullPage::Trace trace;
  auto raw = ReadPullRaw(view, ask.scope_ward, ask.cursor, max_records, bounds.budget, ask.log_head, bounds.one,
                         &trace, IsCutPoint, kCutMinEntries, pieces_on ? &pieces : nullptr);
  if (!raw.ok()) return raw.status();
  WS_RETURN_IF_ERROR(pieces.error);

  // Shared by other devices only if it starts where their pulls pass: at a
  // cut point, or where a page ended by its byte or record bound (as this
  // one is, when not cut) will make the next start. A page not cut only
  // because the head was near is another page for a later head.
  bool share = raw->more && trace.stop_seq > 0 && !trace.head_dependent &&
               (!trace.cut || IsCutPoint(ask.cursor) || SplitPoint(ask.scope_ward, ask.cursor));
  for (const auto& m : trace.met) share = share && !m.absent;
  // A placeholder can change ward (common/reconcile/merge.cc), and its write
  // would then be logged in another ward's log than the one checked. (A
  // piece never holds one.)
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
    for (const auto& m : trace.met) page->ids.push_back(m.record_id);
    for (const auto& r : raw->runs) page->ids.insert(page->ids.end(), r.run->ids.begin(), r.run->ids.end());
    page->clean_through = trace.stop_seq;
    // The pieces taken were checked fresh in this view when taken; the
    // records read here, and the one that ended the page, say themselves
    // when they were last written if every record met was read.
    const bool all_read = !trace.stop_value.empty() && trace.met.size() == raw->records.size() + 1;
    const RecordsSay records_say = [&]() -> std::optional<bool> {
      if (!all_read) return std::nullopt;
      return WrittenAfter(raw->records.data(), raw->records.size(), &trace.stop_value, trace.stop_seq);
    };
    auto clean = Unwritten(view, ask.scope_ward, prefix, ask.log_head, trace.stop_seq, page->ids,
                           page->clean_through, &pieces.caught_up, records_say);
    if (!clean.ok()) return clean.status();
    share = *clean;
  }

  // The segments this read went through entry by entry become pieces.
  std::vector<std::shared_ptr<const Page>> filled(raw->segments.size());
  std::vector<size_t> filled_records(raw->segments.size());
  bool any_filled = false;
  for (size_t i = 0; i < raw->segments.size(); ++i) {
    auto piece = FillPiece(view, pieces, *raw, trace, raw->segments[i]);
    if (!piece.ok()) return piece.status();
    filled[i] = std::move(*piece);
    filled_records[i] = raw->segments[i].records;
    any_filled = any_filled || filled[i];
  }

  EncodedPullPage out;
  if (raw->runs.empty() && !any_filled) {
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
    page->memory = page->zstd.size() + IdsMemory(page->ids) + kEntryBytes;
    page->split = !trace.cut;
    out.payload = wire::SealEnvelope(spliced);
    Count(&Stats::fills);
    Insert(key, std::move(page));
    return out;
  }

  // A spliced page: the pieces taken and kept, in log order, and between
  // them the device's own parts. Kept whole too only while the cache is
  // less than half full: keeping both, it holds each ward's pulls twice,
  // and with bench S4's 32 wards it then no longer held them (the server
  // used more CPU than before). A shared page is sent as read (as above:
  // its device's own records, if any, are not among them).
  share = share && Roomy();
  if (!share && own) LeaveOutOwnEchoes(*raw, *own);
  wire::ZstdSplice splice;
  size_t next = 0;  // raw->records before it are in the splice
  const auto own_part = [&](size_t end) {
    if (end <= next) return;
    const std::string part = EncodeRecordsFrame(&raw->records[next], end - next);
    next = end;
    if (part.size() >= kCompressPartBytes) {
      const std::string z = wire::ZstdCompress(part);
      if (!z.empty() && z.size() < part.size() && splice.AddCompressed(z, part.size())) return;
    }
    splice.AddRaw(part);
  };
  uint64_t records = raw->records.size();
  size_t r = 0, f = 0;
  for (;;) {
    while (f < filled.size() && !filled[f]) ++f;
    const bool run_next = r < raw->runs.size() && (f == filled.size() || raw->runs[r].run->start < filled[f]->start);
    if (run_next) {
      const auto& run = raw->runs[r++];
      own_part(run.at);
      const auto* piece = static_cast<const Page*>(run.run.get());
      if (!splice.AddCompressed(piece->zstd, piece->content)) return Status::Internal("a kept piece does not splice");
      records += piece->records;
    } else if (f < filled.size()) {
      const auto& seg = raw->segments[f];
      own_part(seg.first_record);
      // Own echoes left out of it (a digest of a record without the
      // device's stamps, which no client sends): its records go as they are.
      if (seg.records == filled_records[f] && splice.AddCompressed(filled[f]->zstd, filled[f]->content)) {
        next = seg.first_record + seg.records;
      }
      ++f;
    } else {
      break;
    }
  }
  own_part(raw->records.size());
  RawPullPage tail;
  tail.cursor = raw->cursor;
  tail.more = raw->more;
  tail.remaining = raw->remaining;
  tail.extra_fields = std::move(raw->extra_fields);
  out.records = records;
  out.skipped = raw->skipped;
  if (!share) {
    splice.AddRaw(EncodePullFrame(tail));
    out.payload = wire::SealEnvelope(splice.Finish());
    return out;
  }
  // Without the tail: what other devices get with theirs.
  page->zstd = splice.Finish();
  page->content = splice.content_size();
  std::string spliced = wire::ZstdAppendRaw(page->zstd, page->content, EncodePullFrame(tail));
  if (spliced.empty()) return Status::Internal("a spliced page does not splice");
  out.payload = wire::SealEnvelope(spliced);
  page->cursor = raw->cursor;
  page->stop_seq = trace.stop_seq;
  page->records = records;
  page->skipped = std::move(raw->skipped);
  page->held = std::move(*held);
  page->memory = page->zstd.size() + IdsMemory(page->ids) + kEntryBytes;
  page->split = !trace.cut;
  Count(&Stats::fills);
  Insert(key, std::move(page));
  return out;
}

Result<std::shared_ptr<const SharedPullPages::Page>> SharedPullPages::FillPiece(KvReader& view,
                                                                                 PieceSource& source,
                                                                                 const RawPullPage& raw,
                                                                                 const RawPullPage::Trace& trace,
                                                                                 const RawPullPage::Segment& seg) {
  if (seg.records == 0) return std::shared_ptr<const Page>();
  const Key key = source.KeyAt(seg.start);
  // Kept already, and read here only because it did not fit the page or
  // met a record of it: nothing to do. (A stale one was dropped.)
  if (auto kept = Find(key); kept && kept->end == seg.end && kept->held == source.held) {
    return std::shared_ptr<const Page>();
  }
  for (size_t i = seg.first_met; i < seg.first_met + seg.met; ++i) {
    if (trace.met[i].absent) return std::shared_ptr<const Page>();
  }
  for (size_t i = seg.first_record; i < seg.first_record + seg.records; ++i) {
    if (MaybePlaceholder(raw.records[i])) return std::shared_ptr<const Page>();
  }
  auto first = source.own_first();
  if (!first.ok()) return first.status();
  if (*first <= seg.end) return std::shared_ptr<const Page>();
  auto piece = std::make_shared<Page>();
  for (size_t i = seg.first_met; i < seg.first_met + seg.met; ++i) piece->ids.push_back(trace.met[i].record_id);
  piece->clean_through = seg.end;
  // Every record met read (none skipped): their bytes say when they were
  // last written (WrittenAfter), if the piece is older than the window.
  const RecordsSay records_say = [&]() -> std::optional<bool> {
    if (seg.met != seg.records) return std::nullopt;
    return WrittenAfter(&raw.records[seg.first_record], seg.records, nullptr, seg.end);
  };
  auto clean = Unwritten(view, source.ask.scope_ward, source.prefix, source.ask.log_head, seg.end, piece->ids,
                         piece->clean_through, &source.caught_up, records_say);
  if (!clean.ok()) return clean.status();
  if (!*clean) return std::shared_ptr<const Page>();
  const std::string content = EncodeRecordsFrame(&raw.records[seg.first_record], seg.records);
  piece->zstd = wire::ZstdCompress(content);
  piece->content = content.size();
  wire::ZstdSplice check;
  if (!check.AddCompressed(piece->zstd, piece->content)) return std::shared_ptr<const Page>();
  piece->start = seg.start;
  piece->end = seg.end;
  piece->entries = seg.entries;
  piece->records = seg.records;
  piece->bytes = seg.bytes;
  piece->skipped.assign(raw.skipped.begin() + seg.first_skipped,
                        raw.skipped.begin() + seg.first_skipped + seg.skipped);
  piece->cursor = seg.end;
  piece->stop_seq = seg.end;
  piece->held = source.held;
  piece->memory = piece->zstd.size() + IdsMemory(piece->ids) + kEntryBytes;
  Count(&Stats::piece_fills);
  Insert(key, piece);
  return std::shared_ptr<const Page>(piece);
}

}  // namespace wardsync::server
