// The web console under /console (and `/` and Flyte 2's `/v2/...` run links, which redirect there): its files from the
// table compiled into the binary, or from a folder on disk (`console.dir`, for console development). Any /console/ path
// that names no file gets index.html (the console routes in the browser), except under assets/, where a missing file is
// a 404. Hashed files under assets/ are cached as immutable, index.html never; gzip when the client accepts it. Every
// reply carries a strict Content-Security-Policy (nothing from another origin, no inline script or style) and nosniff.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "server/embedded_assets.h"
#include "server/gateway.h"

namespace flyte::server {

struct ConsoleRequest {
  std::string_view target;  // path and query
  std::string_view accept_encoding;
  std::string_view if_none_match;
};

class ConsoleAssets {
 public:
  explicit ConsoleAssets(std::span<const EmbeddedAsset> assets) : assets_(assets) {}
  // The files of `dir`, read at each request (esbuild --watch rewrites them); nothing cached,
  // nothing compressed.
  explicit ConsoleAssets(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // Whether the console answers `target`: `/`, everything under /console and under /v2/.
  static bool Serves(std::string_view target);

  // The reply to a GET. Reads the disk when serving a folder: call it off the network threads.
  HttpReply Serve(const ConsoleRequest& request) const;

 private:
  struct Found {
    std::string etag;
    std::string raw;
    std::string gzip;
  };
  std::optional<Found> Find(std::string_view path) const;

  std::span<const EmbeddedAsset> assets_;
  std::filesystem::path dir_;  // when set, files come from here
};

}  // namespace flyte::server
