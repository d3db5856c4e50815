#include "server/s3/s3_error.h"

#include <array>
#include <utility>

namespace flyte::server::s3 {
namespace {

constexpr std::string_view kPayloadUrl = "flyte.s3/code";

// Every S3 code the endpoint sends, with its HTTP status (AWS's S3 error code table).
constexpr std::array<std::pair<std::string_view, int>, 33> kS3Codes{{
    {"AccessDenied", 403},
    {"AuthorizationHeaderMalformed", 400},
    {"AuthorizationQueryParametersError", 400},
    {"BadDigest", 400},
    {"BucketAlreadyOwnedByYou", 409},
    {"BucketNotEmpty", 409},
    {"EntityTooLarge", 400},
    {"EntityTooSmall", 400},
    {"IncompleteBody", 400},
    {"InsufficientStorage", 507},
    {"InternalError", 500},
    {"InvalidAccessKeyId", 403},
    {"InvalidArgument", 400},
    {"InvalidBucketName", 400},
    {"InvalidDigest", 400},
    {"InvalidPart", 400},
    {"InvalidPartOrder", 400},
    {"InvalidRange", 416},
    {"InvalidRequest", 400},
    {"KeyTooLongError", 400},
    {"MalformedXML", 400},
    {"MethodNotAllowed", 405},
    {"MissingContentLength", 411},
    {"MissingSecurityHeader", 400},
    {"NoSuchBucket", 404},
    {"NoSuchKey", 404},
    {"NoSuchUpload", 404},
    {"NotImplemented", 501},
    {"RequestTimeTooSkewed", 403},
    {"ServiceUnavailable", 503},
    {"SignatureDoesNotMatch", 403},
    {"XAmzContentChecksumMismatch", 400},
    {"XAmzContentSHA256Mismatch", 400},
}};

int HttpStatusOf(std::string_view s3_code) {
  for (const auto& [code, status] : kS3Codes) {
    if (code == s3_code) return status;
  }
  return 500;
}

std::string_view CodeFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kNotFound:
      return "NoSuchKey";
    case absl::StatusCode::kInvalidArgument:
      return "InvalidArgument";
    case absl::StatusCode::kPermissionDenied:
      return "AccessDenied";
    case absl::StatusCode::kResourceExhausted:
      return "InsufficientStorage";
    case absl::StatusCode::kUnavailable:
      return "ServiceUnavailable";
    default:
      return "InternalError";
  }
}

}  // namespace

Status S3Error(absl::StatusCode code, std::string_view s3_code, std::string_view message) {
  // Debian's absl has its own string_view, not std's: strings cross over.
  Status status(code, std::string(message));
  status.SetPayload(std::string(kPayloadUrl), absl::Cord(std::string(s3_code)));
  return status;
}

S3ErrorReply ToS3Error(const Status& status) {
  const auto payload = status.GetPayload(std::string(kPayloadUrl));
  const std::string code = payload ? std::string(*payload) : std::string(CodeFor(status.code()));
  return {HttpStatusOf(code), code, std::string(status.message())};
}

}  // namespace flyte::server::s3
