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
  // Parsed bodies take a few times their wire size; one first block for a
  // small push, blocks of up to 1 MiB for a long backlog.
  options.start_block_size = std::clamp<size_t>(body_bytes * 3, 4 << 10, 1 << 20);
  options.max_block_size = 1 << 20;
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
