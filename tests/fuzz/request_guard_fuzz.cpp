// The guard every HTTP/1.1 request passes before dispatch (server/request_guard.cpp). Input:
// "<verb>\n<target>\n<Host>\n<Origin>\n<Content-Type>\n<body>". A refusal is 403 or 415 with a short
// UTF-8 JSON body however long or broken the headers quoted in it; a read of this sandbox by its
// own name (GET, Host localhost) always passes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/text.h"
#include "fuzz/fuzz_input.h"
#include "server/request_guard.h"

namespace {

// The longest refusal: its sentence with two request headers quoted at the echo's 200 bytes each,
// every byte a control character JSON writes as \u00XX (6 bytes).
constexpr size_t kMaxRefusalBytes = 2 * 200 * 6 + 512;

void CheckRefusal(const std::optional<flyte::server::HttpReply>& reply) {
  if (!reply) return;
  if ((reply->status != 403 && reply->status != 415) || reply->body.size() > kMaxRefusalBytes ||
      !flyte::IsValidUtf8(reply->body)) {
    abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const flyte::server::RequestGuard guard = [] {
    flyte::server::ServerConfig config;
    config.bind_address = "0.0.0.0";
    config.allowed_hosts = {"Sandbox.Lan", "[fd00::1]"};
    return flyte::server::RequestGuard(config);
  }();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  flyte::server::GuardedRequest request;
  request.verb = flyte::fuzz::NextLine(input);
  request.target = flyte::fuzz::NextLine(input);
  request.host = flyte::fuzz::NextLine(input);
  request.origin = flyte::fuzz::NextLine(input);
  request.content_type = flyte::fuzz::NextLine(input);
  request.has_body = !input.empty();
  CheckRefusal(guard.Check(request));

  request.verb = "GET";
  request.host = "localhost:30080";
  if (guard.Check(request)) abort();
  return 0;
}
