#include "server/auth_http.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "common/url.h"
#include "server/http_metrics.h"

namespace flyte::server {
namespace {

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

// The console's pages and assets (and `/` and Flyte 2's `/v2/` links, which redirect there) hold code, no data: a
// browser without a token must load them to show the login page; every API call the page makes still needs the token.
bool IsConsolePath(std::string_view path) {
  return path == "/" || path == "/console" || path.starts_with("/console/") || path.starts_with("/v2/");
}

bool IsOpenPath(std::string_view path) {
  return path == "/healthz" || IsAuthMetadataPath(path) || IsTokenPath(path) || path.starts_with("/data/") ||
         IsConsolePath(path);
}

std::string Json(const google::protobuf::Struct& object) {
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(object, &json);
  return json;
}

HttpReply OAuthError(int status, const std::string& error, std::string_view description) {
  google::protobuf::Struct object;
  (*object.mutable_fields())["error"].set_string_value(error);
  (*object.mutable_fields())["error_description"].set_string_value(std::string(description));
  HttpReply reply{status, "application/json", Json(object)};
  if (status == 401) reply.headers.emplace_back("WWW-Authenticate", "Basic realm=\"flyte\"");
  return reply;
}

}  // namespace

bool IsAuthMetadataPath(std::string_view path) {
  path = PathOf(path);
  return path == "/.well-known/oauth-authorization-server" || path == "/config/v1/flyte_client";
}

bool IsTokenPath(std::string_view path) { return PathOf(path) == auth::kTokenPath; }

std::optional<HttpReply> RejectUnauthenticated(const auth::Authenticator& authenticator, std::string_view target,
                                               std::string_view authorization) {
  if (!authenticator.required() || IsOpenPath(PathOf(target))) return std::nullopt;
  if (authenticator.anonymous_metrics() && IsMetricsPath(target)) return std::nullopt;
  Status verdict = authenticator.CheckAuthorization(authorization);
  if (verdict.ok()) return std::nullopt;
  HttpReply reply = Gateway::ErrorReply(static_cast<int>(verdict.code()), std::string(verdict.message()));
  reply.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"flyte\"");
  return reply;
}

HttpReply HandleTokenRequest(const auth::Authenticator& authenticator, std::string_view verb,
                             std::string_view authorization, const std::string& body) {
  if (verb != "POST") return OAuthError(405, "invalid_request", "the token endpoint takes POST");
  auto form = ParseQuery(body);
  if (!form.ok()) {
    return OAuthError(400, "invalid_request",
                      "the body is not a URL-encoded form: " + std::string(form.status().message()));
  }
  auto token = authenticator.GrantClientCredentials(authorization, *form);
  if (!token.ok()) {
    // A 401 challenges the scheme the client used (RFC 6749 §5.2); a browser answers a Basic
    // challenge with its own password prompt, so credentials sent in the form (the console's
    // login page) are refused with a 400 instead, as the RFC allows.
    const int status = authorization.empty() ? 400 : 401;
    return absl::IsUnauthenticated(token.status())
               ? OAuthError(status, "invalid_client", std::string(token.status().message()))
               : OAuthError(400, "unsupported_grant_type", std::string(token.status().message()));
  }
  google::protobuf::Struct object;
  auto& fields = *object.mutable_fields();
  fields["access_token"].set_string_value(token->access_token);
  fields["token_type"].set_string_value("Bearer");
  fields["expires_in"].set_number_value(static_cast<double>(token->expires_in));
  HttpReply reply{200, "application/json", Json(object)};
  reply.headers.emplace_back("Cache-Control", "no-store");
  return reply;
}

}  // namespace flyte::server
