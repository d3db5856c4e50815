// The access tokens the built-in token endpoint issues: compact JWTs signed with HS256 (RFC 7519),
// so any JWT tool can read them, carrying issuer, audience, subject (the client id) and expiry.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace flyte::auth {

struct TokenClaims {
  std::string issuer;      // iss, also the audience (aud): the sandbox's URL
  std::string subject;     // sub: the client id
  int64_t issued_at = 0;   // iat, unix seconds
  int64_t expires_at = 0;  // exp, unix seconds
};

std::string SignJwt(std::string_view key, const TokenClaims& claims);

// The claims of a token signed with `key`; UNAUTHENTICATED when it is malformed or the signature
// does not match (expiry is the caller's check: it owns the clock).
StatusOr<TokenClaims> VerifyJwt(std::string_view key, std::string_view token);

}  // namespace flyte::auth
