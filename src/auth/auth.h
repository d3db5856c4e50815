// Front header of the auth layer: who may call the sandbox when it is exposed. `Authenticator`
// checks bearer tokens (static ones from the config, or JWTs the built-in token endpoint issued)
// and runs the OAuth2 client-credentials grant; `AuthMetadataService` answers FlyteAdmin's
// AuthMetadataService, which clients read to find the token endpoint and the header to send.
// Transport-free: server/ hands it headers and turns its Status into UNAUTHENTICATED / 401.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "auth/auth_config.h"
#include "common/clock.h"
#include "common/status.h"
#include "flyteidl/service/auth.pb.h"

namespace flyte::auth {

// The metadata key flytekit and flytectl send their token in (FlyteAdmin's default
// `authorizationHeader`); the standard `authorization` is accepted as well.
inline constexpr std::string_view kFlyteAuthorizationKey = "flyte-authorization";
// Where the built-in token endpoint is served, below the issuer URL.
inline constexpr std::string_view kTokenPath = "/oauth2/token";

struct IssuedToken {
  std::string access_token;
  int64_t expires_in = 0;  // seconds
};

// Immutable after construction; safe from any thread.
class Authenticator {
 public:
  // `signing_key`: the state folder's key (tokens are signed with a key derived from it);
  // `issuer`: the URL clients reach the sandbox at, e.g. "http://192.0.2.2:30080".
  Authenticator(AuthConfig config, std::string_view signing_key, std::string issuer, const Clock& clock);

  bool required() const { return config_.required; }
  bool anonymous_metrics() const { return config_.anonymous_metrics; }
  const std::string& issuer() const { return issuer_; }

  // OK when auth is not required, or `authorization` ("Bearer <token>") carries a static token
  // or an unexpired token issued here; UNAUTHENTICATED otherwise. Never echoes the token.
  Status CheckAuthorization(std::string_view authorization) const;

  // The client-credentials grant (RFC 6749 §4.4) over a form-encoded body: the client
  // authenticates with HTTP Basic (`authorization`) or client_id/client_secret in the form.
  // UNAUTHENTICATED: unknown client or wrong secret; INVALID_ARGUMENT: another grant type.
  StatusOr<IssuedToken> GrantClientCredentials(std::string_view authorization,
                                               const std::multimap<std::string, std::string>& form) const;

 private:
  bool IsStaticToken(std::string_view token) const;

  const AuthConfig config_;
  const std::string token_key_;
  const std::string issuer_;
  const Clock& clock_;
};

// FlyteAdmin's AuthMetadataService (anonymous, like FlyteAdmin's): the OAuth2 server metadata
// (RFC 8414) and the public client config flytekit reads before its first token request.
class AuthMetadataService {
 public:
  explicit AuthMetadataService(const Authenticator& authenticator) : authenticator_(authenticator) {}

  Status GetOAuth2Metadata(const flyteidl::service::OAuth2MetadataRequest& request,
                           flyteidl::service::OAuth2MetadataResponse* response);
  Status GetPublicClientConfig(const flyteidl::service::PublicClientAuthConfigRequest& request,
                               flyteidl::service::PublicClientAuthConfigResponse* response);

 private:
  const Authenticator& authenticator_;
};

}  // namespace flyte::auth
