// What the auth layer reads from the sandbox's configuration; app/ fills it from the `auth`
// section (secrets read from their files there) and decides `required` from the bind address.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace flyte::auth {

struct AuthConfig {
  bool required = false;  // false: every call is let through (a loopback-only sandbox)
  // The one confidential client of the built-in token endpoint (flytekit/flytectl ClientSecret).
  std::string client_id;
  std::string client_secret;
  // Bearer tokens accepted as they are (flytekit ExternalCommand, curl).
  std::vector<std::string> static_tokens;
  std::chrono::seconds token_ttl{3600};  // lifetime of the tokens the token endpoint issues
  // GET /metrics without a token even when auth is required (a scraper on a trusted network).
  bool anonymous_metrics = false;
};

}  // namespace flyte::auth
