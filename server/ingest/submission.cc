#include "server/ingest/submission.h"

#include "server/ingest/ingest_group.h"

#include "common/changes/changeset.h"

namespace wardsync::server {

void Prepare(Submission& s, std::shared_ptr<const FormsSnapshot::Data> forms) {
  std::vector<Submission::Prepared> out(s.change_sets.size());
  for (size_t i = 0; i < s.change_sets.size(); ++i) {
    if (!changes_util::ParseBody(s.change_sets[i], &out[i].body).ok()) return;  // ingest refuses it, in order
    out[i].hash = changes_util::BodyHash(s.change_sets[i]);
    if (!forms) continue;
    // The content of a change that does not act on the record as it is
    // (not a RESOLVE or REVIEW) depends only on the change and the forms:
    // checked here, on an io thread, instead of on the one committer.
    const wardsync::records::RecordState none;
    for (const auto& change : out[i].body.changes()) {
      const bool on_record = change.op() == wardsync::changes::Change::RESOLVE ||
                             change.op() == wardsync::changes::Change::REVIEW;
      out[i].content.push_back(on_record ? std::nullopt
                                         : std::optional(IngestGroup::CheckContent(*forms, none, change)));
    }
  }
  s.prepared = std::move(out);
  s.content_forms = std::move(forms);
}

}  // namespace wardsync::server
