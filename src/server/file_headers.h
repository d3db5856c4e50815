// The headers of a file the server sends from disk (/logs/ and /data/): its type, and a
// Content-Security-Policy sandbox. Files under /data/ are what tasks and users wrote, HTML among
// them (flytekit's decks): served as HTML so a deck renders, but always in a sandbox of its own
// (an opaque origin: no access to the console's storage or API, no request anywhere), whether it
// is framed by the console or opened on its own. See web/README.md ("Decks").
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flyte::server {

struct FileHeaders {
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> extra;
};

// `target`: the request target, /logs/... or /data/<key>?<signature>.
FileHeaders HeadersForFile(std::string_view target);

}  // namespace flyte::server
