#include "server/file_headers.h"

namespace flyte::server {
namespace {

// Scripts and styles inline in the file (a deck is one self-contained page), images, fonts and
// media from data: or blob: URLs; nothing fetched, no form sent, no navigation of the console.
// Only the console (this origin) may frame it. `sandbox` without allow-same-origin gives the
// document an opaque origin even when opened directly, not framed.
constexpr std::string_view kSandboxPolicy =
    "sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox allow-downloads; default-src 'none'; "
    "script-src 'unsafe-inline' 'unsafe-eval' data: blob:; style-src 'unsafe-inline' data:; img-src data: blob:; "
    "font-src data:; media-src data: blob:; connect-src 'none'; form-action 'none'; base-uri 'none'; "
    "frame-ancestors 'self'";

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

FileHeaders HeadersForFile(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  FileHeaders headers;
  if (path.rfind("/logs/", 0) == 0) {
    headers.content_type = "text/plain; charset=utf-8";
  } else if (EndsWith(path, ".html")) {
    headers.content_type = "text/html; charset=utf-8";
  } else {
    headers.content_type = "application/octet-stream";
  }
  headers.extra = {{"Content-Security-Policy", std::string(kSandboxPolicy)},
                   {"X-Content-Type-Options", "nosniff"},
                   {"Referrer-Policy", "no-referrer"}};
  return headers;
}

}  // namespace flyte::server
