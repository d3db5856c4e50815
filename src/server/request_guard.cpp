#include "server/request_guard.h"

#include <algorithm>
#include <cctype>

#include "server/status_mapping.h"

namespace flyte::server {
namespace {

// Debian's Abseil has its own string_view, so these take std's.
std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "LocalHost:30080" → "localhost", "[::1]:30080" → "[::1]".
std::string HostName(std::string_view host) {
  size_t end = host.find(':');
  if (host.starts_with('[')) {
    const size_t bracket = host.find(']');
    end = bracket == std::string_view::npos ? bracket : bracket + 1;
  }
  return Lower(host.substr(0, end));
}

// GET and HEAD only read; browsers send Origin with every other method (and with preflights).
bool ChangesState(std::string_view verb) { return verb != "GET" && verb != "HEAD"; }

// The media types the gateway parses: JSON and binary protobuf (FlyteConsole).
bool GatewayParses(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  const std::string lower = Lower(media);
  return lower == "application/json" || lower == "application/octet-stream";
}

HttpReply Refuse(const std::string& message) { return Gateway::ErrorReply(7, message); }

}  // namespace

RequestGuard::RequestGuard(const ServerConfig& config) : allowed_hosts_(config.allowed_hosts) {
  // Loopback names are safe: a browser sends them only for pages served from this machine. The
  // bind address and the address clients are given (signed URLs, client config) are ours.
  const std::string& bind = config.bind_address;
  allowed_hosts_.insert(allowed_hosts_.end(),
                        {"localhost", "127.0.0.1", "[::1]",
                         bind.find(':') == std::string::npos ? bind : "[" + bind + "]", config.ClientAddress()});
  for (std::string& host : allowed_hosts_) host = HostName(host);
}

std::optional<HttpReply> RequestGuard::Check(const GuardedRequest& request) const {
  const std::string host = HostName(request.host);
  if (std::find(allowed_hosts_.begin(), allowed_hosts_.end(), host) == allowed_hosts_.end()) {
    return Refuse("Host \"" + Echo(request.host) +
                  "\" does not name this sandbox: list it under server.allowed_hosts to reach the sandbox by it");
  }
  // Same origin: the page was loaded from the host this request names (TLS in front or not).
  const std::string origin = Lower(request.origin);
  if (ChangesState(request.verb) && !origin.empty() && origin != "http://" + Lower(request.host) &&
      origin != "https://" + Lower(request.host)) {
    return Refuse("cross-origin " + Echo(request.verb) + " refused: Origin \"" + Echo(request.origin) +
                  "\" is not this sandbox's own origin");
  }
  if (request.target.starts_with("/api/v1/") && ChangesState(request.verb) &&
      (request.has_body || !request.content_type.empty()) && !GatewayParses(request.content_type)) {
    return Gateway::ErrorReply(3,
                               "Content-Type \"" + Echo(request.content_type) +
                                   "\" is not accepted: send application/json or application/octet-stream "
                                   "(binary protobuf)",
                               415);
  }
  return std::nullopt;
}

}  // namespace flyte::server
