#include "server/ingest/submission.h"

#include "server/ingest/ingest_group.h"

#include <algorithm>

#include "common/changes/changeset.h"

namespace wardsync::server {

void Prepare(Submission& s, std::shared_ptr<const FormsSnapshot::Data> forms, const wire::ContentLimits* limits) {
  std::vector<Submission::Prepared> out(s.change_sets.size());
  size_t body_bytes = 0;
  for (const auto& cs : s.change_sets) body_bytes += cs.body().size();
  google::protobuf::ArenaOptions options;
  // Parsed bodies take ~4.6 times their wire size (a fleet sync's 20
  // change-sets: 5.9 KB on the wire, 27.4 KB on the arena), so one first
  // block of 5x holds a small push whole. Later blocks are at most a
  // quarter of it: protobuf doubles each block, and a push that just misses
  // its first block (3x: 17.8 KB, then 35.6 KB for 27.4 KB used) would hold
  // twice what it needs; 2,000 such pushes waiting for the committer in a
  // burst were ~45 MB of the server's peak. A long backlog gets blocks of up
  // to 256 KiB after its first MiB.
  options.start_block_size = std::clamp<size_t>(body_bytes * 5, 4 << 10, 1 << 20);
  options.max_block_size = std::max<size_t>(options.start_block_size / 4, 4 << 10);
  auto arena = std::make_shared<google::protobuf::Arena>(options);
  for (size_t i = 0; i < s.change_sets.size(); ++i) {
    out[i].body = google::protobuf::Arena::CreateMessage<wardsync::changes::ChangeSetBody>(arena.get());
    if (!changes_util::ParseBody(s.change_sets[i], out[i].body).ok()) return;  // ingest refuses it, in order
    out[i].hash = changes_util::BodyHash(s.change_sets[i]);
    if (limits) {
      Status sizes = wire::CheckChangeSetBody(*out[i].body, s.change_sets[i].body().size(), *limits);
      // Never "" for a failure: "" is the answer "within the limits".
      out[i].sizes = sizes.ok() ? std::string() : sizes.message().empty() ? "too large" : sizes.message();
    }
    if (!forms) continue;
    // The content of a change that does not act on the record as it is
    // (not a RESOLVE or REVIEW) depends only on the change and the forms:
    // checked here, on an io thread, instead of on the one committer.
    const wardsync::records::RecordState none;
    for (const auto& change : out[i].body->changes()) {
      const bool on_record = change.op() == wardsync::changes::Change::RESOLVE ||
                             change.op() == wardsync::changes::Change::REVIEW;
      out[i].content.push_back(on_record ? std::nullopt
                                         : std::optional(IngestGroup::CheckContent(*forms, none, change)));
    }
  }
  s.prepared = std::move(out);
  s.arena = std::move(arena);
  s.content_forms = std::move(forms);
  if (limits) s.content_limits = *limits;
}

}  // namespace wardsync::server
