#include <doctest/doctest.h>

#include "auth/auth.h"
#include "auth/jwt.h"
#include "common/digest.h"
#include "fakes/fake_clock.h"

namespace flyte::auth {
namespace {

constexpr const char* kIssuer = "http://192.0.2.2:30080";

AuthConfig Required() {
  AuthConfig config;
  config.required = true;
  config.client_id = "ci";
  config.client_secret = "s3cret";
  config.static_tokens = {"static-token"};
  return config;
}

std::multimap<std::string, std::string> Form(std::string grant, std::string id = "", std::string secret = "") {
  std::multimap<std::string, std::string> form{{"grant_type", std::move(grant)}};
  if (!id.empty()) form.emplace("client_id", std::move(id));
  if (!secret.empty()) form.emplace("client_secret", std::move(secret));
  return form;
}

TEST_CASE("auth: off lets every call through") {
  testing::FakeClock clock;
  Authenticator open({}, "key", kIssuer, clock);
  CHECK_FALSE(open.required());
  CHECK(open.CheckAuthorization("").ok());
}

TEST_CASE("auth: a bearer must be a static token or a token issued here") {
  testing::FakeClock clock;
  Authenticator auth(Required(), "key", kIssuer, clock);
  CHECK(absl::IsUnauthenticated(auth.CheckAuthorization("")));
  CHECK(absl::IsUnauthenticated(auth.CheckAuthorization("static-token")));  // no scheme
  CHECK(absl::IsUnauthenticated(auth.CheckAuthorization("Basic static-token")));
  CHECK(absl::IsUnauthenticated(auth.CheckAuthorization("Bearer static-tokenx")));
  CHECK(auth.CheckAuthorization("Bearer static-token").ok());
  CHECK(auth.CheckAuthorization("bearer  static-token ").ok());  // the scheme is case-insensitive
}

TEST_CASE("auth: client credentials give a token that verifies until it expires") {
  testing::FakeClock clock;
  Authenticator auth(Required(), "key", kIssuer, clock);
  auto token = auth.GrantClientCredentials("Basic " + Base64Encode("ci:s3cret"), Form("client_credentials"));
  REQUIRE(token.ok());
  CHECK(token->expires_in == 3600);
  const std::string header = "Bearer " + token->access_token;
  CHECK(auth.CheckAuthorization(header).ok());
  // The token never carries the secret, and names the client and the issuer.
  CHECK(token->access_token.find("s3cret") == std::string::npos);
  auto claims = VerifyJwt(HmacSha256("key", "flyte sandbox oauth2 access tokens"), token->access_token);
  REQUIRE(claims.ok());
  CHECK(claims->subject == "ci");
  CHECK(claims->issuer == kIssuer);

  clock.Advance(std::chrono::seconds(3599));
  CHECK(auth.CheckAuthorization(header).ok());
  clock.Advance(std::chrono::seconds(1));
  CHECK(absl::IsUnauthenticated(auth.CheckAuthorization(header)));

  // Another key (another sandbox's signing.key) or another issuer: refused.
  Authenticator other_key(Required(), "other", kIssuer, clock);
  Authenticator other_issuer(Required(), "key", "http://elsewhere:1", clock);
  auto fresh = auth.GrantClientCredentials("", Form("client_credentials", "ci", "s3cret"));  // client_secret_post
  REQUIRE(fresh.ok());
  CHECK(absl::IsUnauthenticated(other_key.CheckAuthorization("Bearer " + fresh->access_token)));
  CHECK(absl::IsUnauthenticated(other_issuer.CheckAuthorization("Bearer " + fresh->access_token)));
}

TEST_CASE("auth: the grant refuses wrong clients, secrets and grant types") {
  testing::FakeClock clock;
  Authenticator auth(Required(), "key", kIssuer, clock);
  CHECK(absl::IsUnauthenticated(auth.GrantClientCredentials("", Form("client_credentials", "ci", "wrong")).status()));
  CHECK(absl::IsUnauthenticated(auth.GrantClientCredentials("", Form("client_credentials", "x", "s3cret")).status()));
  CHECK(absl::IsUnauthenticated(auth.GrantClientCredentials("Basic !!", Form("client_credentials")).status()));
  CHECK(absl::IsInvalidArgument(auth.GrantClientCredentials("", Form("password", "ci", "s3cret")).status()));
  // No client configured: nobody gets a token, not even with empty credentials.
  AuthConfig tokens_only;
  tokens_only.required = true;
  tokens_only.static_tokens = {"t"};
  Authenticator no_client(tokens_only, "key", kIssuer, clock);
  CHECK(absl::IsUnauthenticated(
      no_client.GrantClientCredentials("Basic " + Base64Encode(":"), Form("client_credentials")).status()));
}

TEST_CASE("auth: a JWT with a changed payload or signature does not verify") {
  const std::string token = SignJwt("key", {kIssuer, "ci", 1, 2});
  CHECK(VerifyJwt("key", token).ok());
  const size_t dot = token.rfind('.');
  CHECK(absl::IsUnauthenticated(VerifyJwt("key", token.substr(0, dot) + ".AAAA").status()));
  const std::string forged = SignJwt("key", {kIssuer, "admin", 1, 2});
  const std::string spliced = token.substr(0, token.find('.') + 1) +
                              forged.substr(forged.find('.') + 1, forged.rfind('.') - forged.find('.') - 1) +
                              token.substr(dot);
  CHECK(absl::IsUnauthenticated(VerifyJwt("key", spliced).status()));
  CHECK(absl::IsUnauthenticated(VerifyJwt("key", "a.b").status()));
  CHECK(absl::IsUnauthenticated(VerifyJwt("key", "").status()));
}

TEST_CASE("auth: the metadata names the token endpoint and the header key") {
  testing::FakeClock clock;
  Authenticator auth(Required(), "key", kIssuer, clock);
  AuthMetadataService service(auth);
  flyteidl::service::OAuth2MetadataResponse metadata;
  REQUIRE(service.GetOAuth2Metadata({}, &metadata).ok());
  CHECK(metadata.issuer() == kIssuer);
  CHECK(metadata.token_endpoint() == std::string(kIssuer) + "/oauth2/token");
  flyteidl::service::PublicClientAuthConfigResponse client;
  REQUIRE(service.GetPublicClientConfig({}, &client).ok());
  CHECK(client.authorization_metadata_key() == "flyte-authorization");
}

}  // namespace
}  // namespace flyte::auth
