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
  std::vector<std::string> published;   // "id@version" newly published
  std::vector<std::string> unchanged;
  bool wards_changed = false;
  uint64_t epoch = 0;
};

// Must run with exclusive write access (AdminEnv::Exclusive). Reloads ctx.forms.
Result<PublishResult> PublishForms(ServerContext& ctx, const std::vector<wardsync::forms::FormDef>& forms,
                                   const std::optional<wardsync::forms::WardList>& wards);

// Choice lists (forms.proto ChoiceListDef) the same way: a (list, version) is
// immutable, the identical list again is a no-op, a changed one needs a
// higher version than any published. Bumps the forms epoch so devices fetch
// them at their next hello. Must run with exclusive write access.
Result<PublishResult> PublishChoiceLists(ServerContext& ctx, const std::vector<wardsync::forms::ChoiceListDef>& lists);

}  // namespace wardsync::server
