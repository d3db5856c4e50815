#include "auth/jwt.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>

#include "common/digest.h"

namespace flyte::auth {
namespace {

// base64url without padding (RFC 7515 §2) from and to the standard alphabet.
std::string Base64Url(std::string_view bytes) {
  std::string text = Base64Encode(bytes);
  std::replace(text.begin(), text.end(), '+', '-');
  std::replace(text.begin(), text.end(), '/', '_');
  text.erase(text.find_last_not_of('=') + 1);
  return text;
}

StatusOr<std::string> FromBase64Url(std::string_view text) {
  std::string standard(text);
  std::replace(standard.begin(), standard.end(), '-', '+');
  std::replace(standard.begin(), standard.end(), '_', '/');
  standard.append((4 - standard.size() % 4) % 4, '=');
  return Base64Decode(standard);
}

std::string ToJson(const google::protobuf::Struct& object) {
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(object, &json);
  return json;
}

// The fixed header: the only algorithm this sandbox signs or accepts.
const std::string& EncodedHeader() {
  static const std::string header = [] {
    google::protobuf::Struct object;
    (*object.mutable_fields())["alg"].set_string_value("HS256");
    (*object.mutable_fields())["typ"].set_string_value("JWT");
    return Base64Url(ToJson(object));
  }();
  return header;
}

Status Invalid(std::string_view why) { return absl::UnauthenticatedError("invalid access token: " + std::string(why)); }

}  // namespace

std::string SignJwt(std::string_view key, const TokenClaims& claims) {
  google::protobuf::Struct payload;
  auto& fields = *payload.mutable_fields();
  fields["iss"].set_string_value(claims.issuer);
  fields["aud"].set_string_value(claims.issuer);
  fields["sub"].set_string_value(claims.subject);
  fields["iat"].set_number_value(static_cast<double>(claims.issued_at));
  fields["exp"].set_number_value(static_cast<double>(claims.expires_at));
  const std::string signed_part = EncodedHeader() + "." + Base64Url(ToJson(payload));
  return signed_part + "." + Base64Url(HmacSha256(key, signed_part));
}

StatusOr<TokenClaims> VerifyJwt(std::string_view key, std::string_view token) {
  const size_t first = token.find('.');
  const size_t last = token.rfind('.');
  if (first == std::string_view::npos || first == last) return Invalid("not a JWT");
  const std::string_view signed_part = token.substr(0, last);
  if (token.substr(0, first) != EncodedHeader()) return Invalid("unsupported header");
  if (!SecureEquals(Base64Url(HmacSha256(key, signed_part)), token.substr(last + 1))) {
    return Invalid("bad signature");
  }
  auto payload_json = FromBase64Url(signed_part.substr(first + 1));
  if (!payload_json.ok()) return Invalid("bad payload encoding");
  google::protobuf::Struct payload;
  if (!google::protobuf::util::JsonStringToMessage(*payload_json, &payload).ok()) return Invalid("bad payload");
  const auto& fields = payload.fields();
  auto text = [&](const char* name) { return fields.contains(name) ? fields.at(name).string_value() : std::string(); };
  auto number = [&](const char* name) {
    return fields.contains(name) ? static_cast<int64_t>(fields.at(name).number_value()) : int64_t{0};
  };
  return TokenClaims{text("iss"), text("sub"), number("iat"), number("exp")};
}

}  // namespace flyte::auth
