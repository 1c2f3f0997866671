// The officer app's pages (client/ui/static/*), built into the binary by
// CMake (client/ui/embed_assets.cmake): nothing is read from disk or loaded
// from the internet at run time.
#pragma once
#include <string_view>

namespace wardsync::client::ui {

struct Asset {
  std::string_view path;          // "/app.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view body;
};

// The asset served at `path` ("/" is /index.html), or nullptr.
const Asset* FindAsset(std::string_view path);

}  // namespace wardsync::client::ui
