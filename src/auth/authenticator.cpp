#include <cctype>
#include <chrono>
#include <optional>

#include "auth/auth.h"
#include "auth/jwt.h"
#include "common/digest.h"

namespace flyte::auth {
namespace {

constexpr std::string_view kBearer = "Bearer ";
constexpr std::string_view kBasic = "Basic ";

Status Unauthenticated() {
  return absl::UnauthenticatedError(
      "this sandbox requires authentication: send \"authorization: Bearer <token>\" (a static token, or one from "
      "the token endpoint in /.well-known/oauth-authorization-server)");
}

std::string_view Trimmed(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// The text after a scheme prefix (its name matched case-insensitively, RFC 7235), or nullopt.
std::optional<std::string_view> AfterScheme(std::string_view header, std::string_view scheme) {
  header = Trimmed(header);
  if (header.size() < scheme.size()) return std::nullopt;
  for (size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != std::tolower(static_cast<unsigned char>(scheme[i]))) {
      return std::nullopt;
    }
  }
  return Trimmed(header.substr(scheme.size()));
}

std::string FormValue(const std::multimap<std::string, std::string>& form, const std::string& name) {
  auto it = form.find(name);
  return it == form.end() ? std::string() : it->second;
}

int64_t UnixSeconds(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

}  // namespace

Authenticator::Authenticator(AuthConfig config, std::string_view signing_key, std::string issuer, const Clock& clock)
    : config_(std::move(config)),
      // A key of its own, so a data URL signature can never pass as a token signature or back.
      token_key_(HmacSha256(signing_key, "flyte sandbox oauth2 access tokens")),
      issuer_(std::move(issuer)),
      clock_(clock) {}

bool Authenticator::IsStaticToken(std::string_view token) const {
  bool found = false;
  for (const auto& known : config_.static_tokens) found = SecureEquals(known, token) || found;  // no early exit
  return found;
}

Status Authenticator::CheckAuthorization(std::string_view authorization) const {
  if (!config_.required) return absl::OkStatus();
  auto token = AfterScheme(authorization, kBearer);
  if (!token || token->empty()) return Unauthenticated();
  if (IsStaticToken(*token)) return absl::OkStatus();
  auto claims = VerifyJwt(token_key_, *token);
  if (!claims.ok()) return claims.status();
  if (claims->issuer != issuer_) return absl::UnauthenticatedError("access token was issued for another sandbox");
  if (claims->expires_at <= UnixSeconds(clock_.Now())) {
    return absl::UnauthenticatedError("access token expired: request a new one");
  }
  return absl::OkStatus();
}

StatusOr<IssuedToken> Authenticator::GrantClientCredentials(std::string_view authorization,
                                                            const std::multimap<std::string, std::string>& form) const {
  if (FormValue(form, "grant_type") != "client_credentials") {
    return absl::InvalidArgumentError("only grant_type=client_credentials is supported");
  }
  std::string client_id = FormValue(form, "client_id");
  std::string secret = FormValue(form, "client_secret");
  if (auto basic = AfterScheme(authorization, kBasic)) {
    auto decoded = Base64Decode(*basic);
    const size_t colon = decoded.ok() ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) return absl::UnauthenticatedError("malformed Basic client credentials");
    client_id = decoded->substr(0, colon);
    secret = decoded->substr(colon + 1);
  }
  // Both compared in full either way, so timing tells nothing about which one was wrong.
  const bool id_ok = SecureEquals(config_.client_id, client_id);
  const bool secret_ok = SecureEquals(config_.client_secret, secret);
  if (config_.client_id.empty() || config_.client_secret.empty() || !id_ok || !secret_ok) {
    return absl::UnauthenticatedError("unknown client or wrong client secret");
  }
  const int64_t now = UnixSeconds(clock_.Now());
  const int64_t ttl = config_.token_ttl.count();
  return IssuedToken{SignJwt(token_key_, {issuer_, client_id, now, now + ttl}), ttl};
}

}  // namespace flyte::auth
