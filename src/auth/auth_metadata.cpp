#include "auth/auth.h"

namespace flyte::auth {
namespace {

// The one scope tokens carry; FlyteAdmin names it "all" too.
constexpr const char* kScope = "all";

}  // namespace

Status AuthMetadataService::GetOAuth2Metadata(const flyteidl::service::OAuth2MetadataRequest&,
                                              flyteidl::service::OAuth2MetadataResponse* response) {
  const std::string& issuer = authenticator_.issuer();
  response->set_issuer(issuer);
  response->set_token_endpoint(issuer + std::string(kTokenPath));
  response->add_grant_types_supported("client_credentials");
  response->add_response_types_supported("token");
  response->add_scopes_supported(kScope);
  response->add_token_endpoint_auth_methods_supported("client_secret_basic");
  response->add_token_endpoint_auth_methods_supported("client_secret_post");
  return absl::OkStatus();
}

Status AuthMetadataService::GetPublicClientConfig(const flyteidl::service::PublicClientAuthConfigRequest&,
                                                  flyteidl::service::PublicClientAuthConfigResponse* response) {
  // No public (browser or PKCE) client yet: client_id and redirect_uri stay empty until the
  // console's login arrives. The audience is the issuer, which the tokens name as `aud`.
  response->add_scopes(kScope);
  response->set_authorization_metadata_key(std::string(kFlyteAuthorizationKey));
  response->set_service_http_endpoint(authenticator_.issuer());
  response->set_audience(authenticator_.issuer());
  return absl::OkStatus();
}

}  // namespace flyte::auth
