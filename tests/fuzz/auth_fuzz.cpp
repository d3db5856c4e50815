// Authentication on the HTTP half (server/auth_http.cpp over auth/authenticator.cpp, auth/jwt.cpp):
// the Authorization header of any request (Bearer: a static token or a JWT we issued) and the
// token endpoint's form body (POST /oauth2/token, client credentials by HTTP Basic or in the form).
// Input: "<Authorization header>\n<form body>". Every reply is a bounded JSON answer of the
// statuses RFC 6749 names (never a 5xx); a token the endpoint grants is accepted as a bearer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/auth.h"
#include "common/text.h"
#include "common/url.h"
#include "fakes/fake_clock.h"
#include "fuzz/fuzz_input.h"
#include "server/auth_http.h"

namespace {

// An RFC 6749 error with a message at most the size of a bounded error echo, and framing.
constexpr size_t kMaxReplyBytes = 2048;

const flyte::auth::Authenticator& FuzzAuthenticator() {
  static const flyte::testing::FakeClock clock;
  static const flyte::auth::Authenticator authenticator = [] {
    flyte::auth::AuthConfig config;
    config.required = true;
    config.client_id = "ci";
    config.client_secret = "s3cret";
    config.static_tokens = {"static-token"};
    return flyte::auth::Authenticator(config, "fuzz-signing-key", "http://localhost:30080", clock);
  }();
  return authenticator;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const flyte::auth::Authenticator& authenticator = FuzzAuthenticator();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string_view authorization = flyte::fuzz::NextLine(input);
  const std::string body(input);

  auto refused = flyte::server::RejectUnauthenticated(authenticator, "/api/v1/projects", authorization);
  if (refused && refused->status != 401) abort();

  const flyte::server::HttpReply reply = flyte::server::HandleTokenRequest(authenticator, "POST", authorization, body);
  if ((reply.status != 200 && reply.status != 400 && reply.status != 401) || reply.body.empty() ||
      reply.body.size() > kMaxReplyBytes || !flyte::IsValidUtf8(reply.body)) {
    abort();
  }

  auto form = flyte::ParseQuery(body);
  if (!form.ok()) return 0;
  auto token = authenticator.GrantClientCredentials(authorization, *form);
  if (token.ok() && !authenticator.CheckAuthorization("Bearer " + token->access_token).ok()) abort();
  return 0;
}
