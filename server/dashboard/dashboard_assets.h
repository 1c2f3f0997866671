// The dashboard's pages (server/dashboard/static/*), built into the binary by
// CMake (cmake/embed_assets.cmake).
#pragma once
#include <string_view>

#include "common/util/embedded_asset.h"

namespace wardsync::server::dashboard {

using Asset = util::EmbeddedAsset;

// The asset served at `path` ("/" is /index.html), or nullptr.
const Asset* FindAsset(std::string_view path);

}  // namespace wardsync::server::dashboard
