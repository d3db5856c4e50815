// The web console's files as compiled into the binary. cmake/embed_assets.py generates the one
// definition of EmbeddedConsoleAssets from the built console (web/, esbuild), or from the "console
// not built" notice when the build had no Node (-DFLYTE_CONSOLE=OFF). Kept free of other headers
// so the generated file compiles on its own.
#pragma once

#include <span>
#include <string_view>

namespace flyte::server {

struct EmbeddedAsset {
  std::string_view path;  // below /console/, e.g. "index.html", "assets/main-J3ISGWYX.js"
  std::string_view etag;  // quoted content hash
  std::string_view raw;
  std::string_view gzip;  // empty when gzip would not be smaller
};

std::span<const EmbeddedAsset> EmbeddedConsoleAssets();

}  // namespace flyte::server
