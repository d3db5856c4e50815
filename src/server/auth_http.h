// Authentication on the HTTP half: which paths are open without a token, the 401 every other
// path gets without one, and the built-in OAuth2 token endpoint (client-credentials grant).
// The console's pages and assets are open (its login page asks for a token); its API calls are not.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth/auth.h"
#include "server/gateway.h"

namespace flyte::server {

// /.well-known/oauth-authorization-server and /config/v1/flyte_client: AuthMetadataService's
// HTTP routes, served by the gateway without a token.
bool IsAuthMetadataPath(std::string_view path);
bool IsTokenPath(std::string_view path);

// 401 with `WWW-Authenticate: Bearer` when auth is required, `target` is not open (health,
// auth metadata, the token endpoint, signed /data/ URLs, the console's pages and assets; /metrics with
// auth.anonymous_metrics) and `authorization` is
// not a valid bearer token; nullopt to serve the request.
std::optional<HttpReply> RejectUnauthenticated(const auth::Authenticator& authenticator, std::string_view target,
                                               std::string_view authorization);

// POST /oauth2/token with a form-encoded body: the token as RFC 6749 §5.1 JSON, or an
// RFC 6749 §5.2 error (invalid_client 401 with a Basic challenge when the client sent HTTP Basic
// credentials, 400 when it sent them in the form; invalid_request/unsupported_grant_type 400).
HttpReply HandleTokenRequest(const auth::Authenticator& authenticator, std::string_view verb,
                             std::string_view authorization, const std::string& body);

}  // namespace flyte::server
