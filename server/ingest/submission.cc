#include "server/ingest/submission.h"

#include "common/changes/changeset.h"

namespace wardsync::server {

void Prepare(Submission& s) {
  std::vector<Submission::Prepared> out(s.change_sets.size());
  for (size_t i = 0; i < s.change_sets.size(); ++i) {
    if (!changes_util::ParseBody(s.change_sets[i], &out[i].body).ok()) return;  // ingest refuses it, in order
    out[i].hash = changes_util::BodyHash(s.change_sets[i]);
  }
  s.prepared = std::move(out);
}

}  // namespace wardsync::server
