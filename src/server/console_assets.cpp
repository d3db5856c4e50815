#include "server/console_assets.h"

#include <fstream>
#include <sstream>
#include <system_error>

#include "server/status_mapping.h"

namespace flyte::server {
namespace {

constexpr std::string_view kConsolePrefix = "/console";
constexpr std::string_view kHashedDir = "assets/";  // esbuild's [name]-[hash] files
// Flyte 2's run pages where the SDK links them (`flyte run` prints
// http://<endpoint>/v2/domain/{d}/project/{p}/runs/{run}): redirected to the same path under
// the console, whose index.html names its assets under /console/.
constexpr std::string_view kFlyte2Prefix = "/v2/";

// Nothing from another origin, no inline script or style (the console sets styles through
// classes), no framing of the console; decks will come in frames of our own origin.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

std::string_view MimeType(std::string_view path) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [extension, type] : kTypes) {
    if (path.ends_with(extension)) return type;
  }
  return "application/octet-stream";
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Whether an Accept-Encoding header lets us send gzip: "gzip" (or "*") listed without q=0.
bool AcceptsGzip(std::string_view header) {
  bool accepted = false;
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const size_t semicolon = item.find(';');
    const std::string_view coding = Trim(item.substr(0, semicolon));
    bool refused = false;
    if (semicolon != std::string_view::npos) {
      std::string_view params = Trim(item.substr(semicolon + 1));
      if (params.starts_with("q=")) refused = params.substr(2).find_first_not_of("0.") == std::string_view::npos;
    }
    if (coding == "gzip" || coding == "x-gzip") return !refused;  // named: decides
    if (coding == "*") accepted = !refused;
  }
  return accepted;
}

// Whether an If-None-Match header names `etag` (or is "*").
bool Matches(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view tag = Trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag || tag == "*") return true;
  }
  return false;
}

// A path below /console that may name a file: no empty, "." or ".." segments, nothing that
// could leave the folder.
bool IsFilePath(std::string_view path) {
  if (path.empty() || path.find('\\') != std::string_view::npos || path.find('\0') != std::string_view::npos) {
    return false;
  }
  while (!path.empty()) {
    const size_t slash = path.find('/');
    const std::string_view segment = path.substr(0, slash);
    if (segment.empty() || segment == "." || segment == "..") return false;
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  return true;
}

HttpReply WithSecurityHeaders(HttpReply reply) {
  reply.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
  reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
  reply.headers.emplace_back("Referrer-Policy", "no-referrer");
  return reply;
}

}  // namespace

bool ConsoleAssets::Serves(std::string_view target) {
  const std::string_view path = target.substr(0, target.find_first_of("?#"));
  return path == "/" || path == kConsolePrefix || path.starts_with(std::string(kConsolePrefix) + "/") ||
         path.starts_with(kFlyte2Prefix);
}

std::optional<ConsoleAssets::Found> ConsoleAssets::Find(std::string_view path) const {
  if (!IsFilePath(path)) return std::nullopt;
  if (dir_.empty()) {
    for (const EmbeddedAsset& asset : assets_) {
      if (asset.path == path) return Found{std::string(asset.etag), std::string(asset.raw), std::string(asset.gzip)};
    }
    return std::nullopt;
  }
  const std::filesystem::path file = dir_ / std::filesystem::path(path);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return Found{"", std::move(bytes).str(), ""};
}

HttpReply ConsoleAssets::Serve(const ConsoleRequest& request) const {
  const std::string_view path = request.target.substr(0, request.target.find_first_of("?#"));
  if (path == "/") return {302, "text/plain; charset=utf-8", "/console/\n", {{"Location", "/console/"}}};
  if (path.starts_with(kFlyte2Prefix)) {
    const std::string to = std::string(kConsolePrefix) + std::string(request.target);  // the query too
    return {302, "text/plain; charset=utf-8", to + "\n", {{"Location", to}}};
  }
  std::string_view below = path.substr(kConsolePrefix.size());
  if (below.starts_with("/")) below.remove_prefix(1);

  std::string_view name = below;
  std::optional<Found> found = Find(name);
  const bool hashed = below.starts_with(kHashedDir);
  if (!found && !hashed) {
    name = "index.html";  // a page of the console: the browser-side router shows it
    found = Find(name);
  }
  if (!found) {
    const std::string what = hashed ? "no console file " + Echo(path)
                                    : "the console folder has no index.html (build it: node web/build.mjs --out DIR)";
    return WithSecurityHeaders({404, "text/plain; charset=utf-8", what + "\n"});
  }

  HttpReply reply{200, std::string(MimeType(name)), {}};
  // Hashed names change with their content; index.html is small and names the current ones.
  reply.headers.emplace_back("Cache-Control", name.starts_with(kHashedDir) && dir_.empty()
                                                  ? "public, max-age=31536000, immutable"
                                                  : "no-cache");
  if (!found->etag.empty()) {
    reply.headers.emplace_back("ETag", found->etag);
    if (Matches(request.if_none_match, found->etag)) {
      reply.status = 304;
      return WithSecurityHeaders(std::move(reply));
    }
  }
  if (!found->gzip.empty()) {
    reply.headers.emplace_back("Vary", "Accept-Encoding");
    if (AcceptsGzip(request.accept_encoding)) {
      reply.headers.emplace_back("Content-Encoding", "gzip");
      reply.body = std::move(found->gzip);
      return WithSecurityHeaders(std::move(reply));
    }
  }
  reply.body = std::move(found->raw);
  return WithSecurityHeaders(std::move(reply));
}

}  // namespace flyte::server
