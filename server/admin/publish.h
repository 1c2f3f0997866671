// Publishing forms: a (form id, version) is immutable once published, so
// records made against it keep their meaning. Re-publishing the identical
// definition is a no-op; a changed definition needs a new version.
#pragma once
#include <optional>
#include <vector>

#include "common/status.h"
#include "proto/forms.pb.h"
#include "server/server_context.h"

namespace wardsync::server {

struct PublishResult {
  std::vector<std::string> published;   // forms, "id@version" newly published
  std::vector<std::string> unchanged;
  std::vector<std::string> lists_published;  // choice lists, "id@version"
  std::vector<std::string> lists_unchanged;
  bool wards_changed = false;
  uint64_t epoch = 0;
  // Unique-key index entries written / removed (server/audit/unique_index.h):
  // records stored before the index existed, or an index that drifted.
  uint64_t keys_indexed = 0;
  uint64_t keys_removed = 0;
};

// Publishes forms, the ward list and choice lists (forms.proto
// ChoiceListDef) in one write with one bump of the forms epoch, so devices
// fetch them together at their next hello and never see a form without the
// list it names. A choice list is immutable per (list, version) like a form;
// the identical list again is a no-op, a changed one needs a higher version
// than any published. Nothing is written if anything is refused. Must run
// with exclusive write access (AdminEnv::Exclusive). Reloads ctx.forms.
// Then brings the unique-key index in line with the records (every time,
// also when nothing new is published: it is how a drifted index is repaired).
Result<PublishResult> PublishForms(ServerContext& ctx, const std::vector<wardsync::forms::FormDef>& forms,
                                   const std::optional<wardsync::forms::WardList>& wards,
                                   const std::vector<wardsync::forms::ChoiceListDef>& lists = {});

}  // namespace wardsync::server
