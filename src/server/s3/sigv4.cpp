#include "server/s3/sigv4.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>

#include "common/digest.h"
#include "common/url.h"
#include "server/s3/presigned_v2.h"
#include "server/s3/s3_error.h"

namespace flyte::server::s3 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

Status Denied(std::string_view code, std::string_view message) {
  return S3Error(absl::StatusCode::kPermissionDenied, code, message);
}
Status Malformed(std::string_view code, std::string_view message) {
  return S3Error(absl::StatusCode::kInvalidArgument, code, message);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// A header value as SigV4 signs it: trimmed, runs of spaces made one.
std::string CanonicalValue(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : Trim(value)) {
    const bool is_space = c == ' ' || c == '\t';
    if (is_space && space) continue;
    out.push_back(is_space ? ' ' : c);
    space = is_space;
  }
  return out;
}

// Every value of a header (case-insensitive name), joined with ',' as SigV4 does; nullopt when absent.
std::optional<std::string> HeaderValues(const SignedRequest& request, std::string_view lower_name) {
  std::optional<std::string> out;
  for (const auto& [name, value] : request.headers) {
    if (Lower(name) != lower_name) continue;
    if (out) out->push_back(',');
    out = out.value_or("") + CanonicalValue(value);
  }
  return out;
}

std::vector<std::string> Split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// 20130524T000000Z → seconds since the epoch.
std::optional<std::time_t> ParseAmzDate(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  for (size_t i = 0; i < 15; ++i) {
    if (i != 8 && (text[i] < '0' || text[i] > '9')) return std::nullopt;
  }
  auto number = [&](size_t at, size_t length) { return std::atoi(std::string(text.substr(at, length)).c_str()); };
  std::tm tm{};
  tm.tm_year = number(0, 4) - 1900;
  tm.tm_mon = number(4, 2) - 1;
  tm.tm_mday = number(6, 2);
  tm.tm_hour = number(9, 2);
  tm.tm_min = number(11, 2);
  tm.tm_sec = number(13, 2);
  return timegm(&tm);
}

// The signature's claims, from the Authorization header or the query.
struct Claims {
  std::string access_key_id;
  std::string date;  // 20130524
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;
  std::string signature;
  std::string amz_date;
  std::string payload_hash;
  std::optional<int64_t> expires_seconds;  // presigned only
};

// "AK/20130524/us-east-1/s3/aws4_request"
Status ParseCredential(std::string_view credential, Claims& claims, std::string_view code) {
  const std::vector<std::string> parts = Split(credential, '/');
  if (parts.size() != 5 || parts[4] != "aws4_request" || parts[1].size() != 8) {
    return Malformed(code, "the credential is not <key>/<date>/<region>/s3/aws4_request");
  }
  if (parts[3] != "s3") return Malformed(code, "the credential's service is not s3");
  claims.access_key_id = parts[0];
  claims.date = parts[1];
  claims.region = parts[2];
  claims.service = parts[3];
  return absl::OkStatus();
}

Status ParseSignedHeaders(std::string_view text, Claims& claims, std::string_view code) {
  claims.signed_headers = Split(text, ';');
  for (const std::string& name : claims.signed_headers) {
    if (name.empty() || name != Lower(name)) return Malformed(code, "SignedHeaders must be lower-case names");
  }
  if (!std::is_sorted(claims.signed_headers.begin(), claims.signed_headers.end())) {
    return Malformed(code, "SignedHeaders must be sorted");
  }
  if (std::find(claims.signed_headers.begin(), claims.signed_headers.end(), "host") == claims.signed_headers.end()) {
    return Malformed(code, "SignedHeaders must include host");
  }
  return absl::OkStatus();
}

// "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..."
StatusOr<Claims> HeaderClaims(const SignedRequest& request, std::string_view authorization) {
  constexpr std::string_view kCode = "AuthorizationHeaderMalformed";
  if (authorization.substr(0, kAlgorithm.size()) != kAlgorithm || authorization.size() == kAlgorithm.size() ||
      authorization[kAlgorithm.size()] != ' ') {
    return Malformed(kCode, "only AWS4-HMAC-SHA256 (Signature Version 4) is supported");
  }
  Claims claims;
  bool credential = false, headers = false, signature = false;
  for (const std::string& part : Split(authorization.substr(kAlgorithm.size() + 1), ',')) {
    const std::string_view field = Trim(part);
    const size_t equals = field.find('=');
    if (equals == std::string_view::npos) return Malformed(kCode, "the Authorization header does not parse");
    const std::string_view name = field.substr(0, equals), value = field.substr(equals + 1);
    if (name == "Credential") {
      RETURN_IF_ERROR(ParseCredential(value, claims, kCode));
      credential = true;
    } else if (name == "SignedHeaders") {
      RETURN_IF_ERROR(ParseSignedHeaders(value, claims, kCode));
      headers = true;
    } else if (name == "Signature") {
      claims.signature = std::string(value);
      signature = true;
    }
  }
  if (!credential || !headers || !signature) {
    return Malformed(kCode, "the Authorization header needs Credential, SignedHeaders and Signature");
  }
  auto amz_date = HeaderValues(request, "x-amz-date");
  if (!amz_date) return Denied("AccessDenied", "the request has no X-Amz-Date header");
  claims.amz_date = *amz_date;
  auto payload = HeaderValues(request, "x-amz-content-sha256");
  if (!payload) return Malformed("MissingSecurityHeader", "the request has no x-amz-content-sha256 header");
  claims.payload_hash = *payload;
  return claims;
}

StatusOr<Claims> QueryClaims(const std::multimap<std::string, std::string>& query) {
  constexpr std::string_view kCode = "AuthorizationQueryParametersError";
  auto one = [&](const std::string& name) -> StatusOr<std::string> {
    auto it = query.find(name);
    if (it == query.end()) return Malformed(kCode, "the presigned URL has no " + name);
    return it->second;
  };
  ASSIGN_OR_RETURN(const std::string algorithm, one("X-Amz-Algorithm"));
  if (algorithm != kAlgorithm) return Malformed(kCode, "X-Amz-Algorithm must be AWS4-HMAC-SHA256");
  Claims claims;
  ASSIGN_OR_RETURN(const std::string credential, one("X-Amz-Credential"));
  RETURN_IF_ERROR(ParseCredential(credential, claims, kCode));
  ASSIGN_OR_RETURN(const std::string signed_headers, one("X-Amz-SignedHeaders"));
  RETURN_IF_ERROR(ParseSignedHeaders(signed_headers, claims, kCode));
  ASSIGN_OR_RETURN(claims.signature, one("X-Amz-Signature"));
  ASSIGN_OR_RETURN(claims.amz_date, one("X-Amz-Date"));
  ASSIGN_OR_RETURN(const std::string expires, one("X-Amz-Expires"));
  char* end = nullptr;
  const long long seconds = std::strtoll(expires.c_str(), &end, 10);
  if (expires.empty() || *end != '\0' || seconds < 0) return Malformed(kCode, "X-Amz-Expires must be a number");
  if (seconds > kMaxPresignedExpiry.count()) {
    return Malformed(kCode, "X-Amz-Expires must be less than a week (604800 seconds)");
  }
  claims.expires_seconds = seconds;
  claims.payload_hash = std::string(kUnsignedPayload);
  return claims;
}

bool IsHexSha256(std::string_view text) {
  return text.size() == 64 &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

StatusOr<std::string> CanonicalUri(std::string_view path) {
  ASSIGN_OR_RETURN(const std::string decoded, PercentDecode(path));
  std::string uri = PercentEncode(decoded, /*keep_slash=*/true);
  return uri.empty() ? "/" : uri;
}

StatusOr<std::string> CanonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const std::string& item : Split(query, '&')) {
    if (item.empty()) continue;
    const size_t equals = item.find('=');
    ASSIGN_OR_RETURN(std::string name, PercentDecode(std::string_view(item).substr(0, equals)));
    std::string value;
    if (equals != std::string::npos) {
      ASSIGN_OR_RETURN(value, PercentDecode(std::string_view(item).substr(equals + 1)));
    }
    if (name == "X-Amz-Signature") continue;
    pairs.emplace_back(PercentEncode(name, false), PercentEncode(value, false));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out.push_back('&');
    out += name + "=" + value;
  }
  return out;
}

StatusOr<std::string> CanonicalRequest(const SignedRequest& request, const std::vector<std::string>& signed_headers,
                                       std::string_view payload_hash) {
  ASSIGN_OR_RETURN(const std::string uri, CanonicalUri(request.path));
  ASSIGN_OR_RETURN(const std::string query, CanonicalQuery(request.query));
  std::string out = request.method + "\n" + uri + "\n" + query + "\n";
  std::string names;
  for (const std::string& name : signed_headers) {
    auto value = HeaderValues(request, name);
    if (!value) {
      return Denied("SignatureDoesNotMatch", "the signed header " + name + " is not in the request");
    }
    out += name + ":" + *value + "\n";
    names += (names.empty() ? "" : ";") + name;
  }
  out += "\n" + names + "\n";
  out += payload_hash;
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request) {
  return std::string(kAlgorithm) + "\n" + std::string(amz_date) + "\n" + std::string(scope) + "\n" +
         HexEncode(Sha256(canonical_request));
}

std::string SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service) {
  const std::string date_key = HmacSha256("AWS4" + std::string(secret), date);
  const std::string region_key = HmacSha256(date_key, region);
  const std::string service_key = HmacSha256(region_key, service);
  return HmacSha256(service_key, "aws4_request");
}

std::string SignatureOf(std::string_view signing_key, std::string_view string_to_sign) {
  return HexEncode(HmacSha256(signing_key, string_to_sign));
}

std::string ChunkSignature(const VerifiedRequest& request, std::string_view previous_signature,
                           std::string_view chunk_sha256) {
  static const std::string kEmptySha256 = HexEncode(Sha256(""));
  const std::string to_sign = "AWS4-HMAC-SHA256-PAYLOAD\n" + request.amz_date + "\n" + request.scope + "\n" +
                              std::string(previous_signature) + "\n" + kEmptySha256 + "\n" + HexEncode(chunk_sha256);
  return SignatureOf(request.signing_key, to_sign);
}

StatusOr<VerifiedRequest> Verify(const SignedRequest& request, const S3Credentials& credentials, std::time_t now) {
  const std::optional<std::string> authorization = HeaderValues(request, "authorization");
  Claims claims;
  if (authorization) {
    ASSIGN_OR_RETURN(claims, HeaderClaims(request, *authorization));
  } else {
    ASSIGN_OR_RETURN(auto query, ParseQuery(request.query));
    if (IsPresignedV2(query)) {
      RETURN_IF_ERROR(VerifyPresignedV2(request, query, credentials, now));
      return VerifiedRequest{};  // its body is unsigned
    }
    if (query.count("X-Amz-Signature") == 0 && query.count("X-Amz-Credential") == 0) {
      return Denied("AccessDenied", "the request is not signed (Signature Version 4)");
    }
    ASSIGN_OR_RETURN(claims, QueryClaims(query));
  }
  const std::optional<std::time_t> signed_at = ParseAmzDate(claims.amz_date);
  if (!signed_at || claims.amz_date.substr(0, 8) != claims.date) {
    return Denied("AccessDenied", "X-Amz-Date is not a date of the credential's day (YYYYMMDDTHHMMSSZ)");
  }
  const auto skew = std::chrono::seconds(kMaxClockSkew).count();
  if (claims.expires_seconds) {
    if (*signed_at - skew > now) return Denied("AccessDenied", "Request is not valid yet");
    if (now > *signed_at + *claims.expires_seconds) return Denied("AccessDenied", "Request has expired");
  } else if (std::abs(static_cast<long long>(now - *signed_at)) > skew) {
    return Denied("RequestTimeTooSkewed",
                  "The difference between the request time and the server's time is too large.");
  }
  if (claims.access_key_id != credentials.access_key_id) {
    return Denied("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
  }
  VerifiedRequest verified;
  if (claims.payload_hash == kUnsignedPayload) {
    verified.payload = VerifiedRequest::Payload::kUnsigned;
  } else if (claims.payload_hash == kStreamingSignedPayload) {
    verified.payload = VerifiedRequest::Payload::kStreamingSigned;
  } else if (claims.payload_hash == kStreamingUnsignedTrailerPayload) {
    verified.payload = VerifiedRequest::Payload::kStreamingUnsignedTrailer;
  } else if (IsHexSha256(claims.payload_hash)) {
    verified.payload = VerifiedRequest::Payload::kSha256;
    verified.payload_sha256 = claims.payload_hash;
  } else {
    return Malformed("InvalidArgument",
                     "x-amz-content-sha256 is neither a SHA-256 nor a payload mode this sandbox knows");
  }
  ASSIGN_OR_RETURN(const std::string canonical, CanonicalRequest(request, claims.signed_headers, claims.payload_hash));
  verified.amz_date = claims.amz_date;
  verified.scope = claims.date + "/" + claims.region + "/" + claims.service + "/aws4_request";
  verified.signing_key = SigningKey(credentials.secret_access_key, claims.date, claims.region, claims.service);
  verified.seed_signature =
      SignatureOf(verified.signing_key, StringToSign(verified.amz_date, verified.scope, canonical));
  if (!SecureEquals(verified.seed_signature, claims.signature)) {
    return Denied("SignatureDoesNotMatch",
                  "The request signature we calculated does not match the signature you provided. Check your key "
                  "and signing method.");
  }
  return verified;
}

}  // namespace flyte::server::s3
