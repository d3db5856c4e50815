// What every HTTP/1.1 request must pass before it is dispatched, against hostile web pages in the
// user's own browser: its Host must name this sandbox (DNS rebinding), a request with any method
// but GET and HEAD that carries an Origin must come from the sandbox's own origin (cross-site
// requests, CORS preflights), and the JSON gateway takes only the content types it parses (a
// cross-site "simple" request can only send text/plain or form encodings). gRPC never gets here:
// browsers do not speak HTTP/2 without TLS. The sandbox never grants CORS permission.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/gateway.h"
#include "server/server_config.h"

namespace flyte::server {

// The headers of one request the guard looks at; an absent header is empty.
struct GuardedRequest {
  std::string_view verb;
  std::string_view target;
  std::string_view host;
  std::string_view origin;
  std::string_view content_type;
  bool has_body = false;
};

// Immutable after construction: shared by every session.
class RequestGuard {
 public:
  explicit RequestGuard(const ServerConfig& config);

  // The refusal to send, or nothing when the request may be dispatched.
  std::optional<HttpReply> Check(const GuardedRequest& request) const;

 private:
  std::vector<std::string> allowed_hosts_;  // lower case, without port
};

}  // namespace flyte::server
