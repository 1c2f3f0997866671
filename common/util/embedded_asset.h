// A static file built into a binary by cmake/embed_assets.cmake (the officer
// app's and the dashboard's pages): nothing is read from disk or loaded from
// the internet at run time. Each user declares its own
//   const Asset* FindAsset(std::string_view path);  // "/" is /index.html
// in its namespace, defined by the generated file.
#pragma once
#include <string_view>

namespace wardsync::util {

struct EmbeddedAsset {
  std::string_view path;          // "/app.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view body;
};

}  // namespace wardsync::util
