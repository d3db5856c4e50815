// AWS Signature Version 4 as S3 checks it: the Authorization header and presigned query strings,
// the canonical request, the signing key and, for aws-chunked uploads, the chunk signatures.
// Pure functions of the request, the credentials and the time.
#pragma once

#include <chrono>
#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace flyte::server::s3 {

// S3 refuses a request signed this far from its own clock (RequestTimeTooSkewed).
inline constexpr std::chrono::minutes kMaxClockSkew{15};
// The longest a presigned URL may be valid (X-Amz-Expires), seven days as S3 allows.
inline constexpr std::chrono::seconds kMaxPresignedExpiry{7 * 24 * 3600};

inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kStreamingSignedPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view kStreamingUnsignedTrailerPayload = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

// A request as it arrived: what SigV4 signs.
struct SignedRequest {
  std::string method;
  std::string path;                                          // percent-encoded as sent, without the query
  std::string query;                                         // as sent, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // every field, names as sent
};

struct S3Credentials {
  std::string access_key_id;
  std::string secret_access_key;
};

// What the signature says of the body, and what checking its chunks needs.
struct VerifiedRequest {
  enum class Payload { kUnsigned, kSha256, kStreamingSigned, kStreamingUnsignedTrailer };
  Payload payload = Payload::kUnsigned;
  std::string payload_sha256;  // lower-case hex, for kSha256
  std::string signing_key;     // raw, for the chunk signatures
  std::string amz_date;        // 20130524T000000Z
  std::string scope;           // 20130524/us-east-1/s3/aws4_request
  std::string seed_signature;  // hex: the request's own, which the first chunk's chains from
};

// Checks the request's signature (Authorization header, else X-Amz-* query parameters, else a
// SigV2 presigned URL's, presigned_v2.h). Errors
// carry S3's codes: AccessDenied (unsigned; a presigned URL expired or not yet valid),
// InvalidAccessKeyId, SignatureDoesNotMatch, RequestTimeTooSkewed, AuthorizationHeaderMalformed,
// AuthorizationQueryParametersError, MissingSecurityHeader.
StatusOr<VerifiedRequest> Verify(const SignedRequest& request, const S3Credentials& credentials, std::time_t now);

// The parts of the algorithm, for tests and for the chunk decoder.
// S3's canonical URI: the path decoded and each byte but unreserved ones and '/' encoded again.
StatusOr<std::string> CanonicalUri(std::string_view path);
// Parameters decoded, encoded again, sorted by name then value; X-Amz-Signature dropped.
StatusOr<std::string> CanonicalQuery(std::string_view query);
// The canonical request of `request` over `signed_headers` (lower case, sorted).
StatusOr<std::string> CanonicalRequest(const SignedRequest& request, const std::vector<std::string>& signed_headers,
                                       std::string_view payload_hash);
std::string StringToSign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request);
// date: 20130524; raw bytes.
std::string SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service);
// Lower-case hex.
std::string SignatureOf(std::string_view signing_key, std::string_view string_to_sign);
// The signature of one aws-chunked chunk, given the previous one's and the chunk's SHA-256 (raw).
std::string ChunkSignature(const VerifiedRequest& request, std::string_view previous_signature,
                           std::string_view chunk_sha256);

}  // namespace flyte::server::s3
