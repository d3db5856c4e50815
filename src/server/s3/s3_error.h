// S3's error codes ("NoSuchKey", "SignatureDoesNotMatch") carried in a Status as a payload, so the
// S3 code keeps errors as values like the rest of the sandbox, and the one place they become S3's
// XML replies with their HTTP statuses.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace flyte::server::s3 {

// A Status of `code` that S3 clients see as `s3_code` (see kS3Codes in s3_error.cpp for the HTTP
// status each has).
Status S3Error(absl::StatusCode code, std::string_view s3_code, std::string_view message);

struct S3ErrorReply {
  int http_status = 500;
  std::string code;
  std::string message;
};

// The S3 code a Status carries, else one for its canonical code (NOT_FOUND is NoSuchKey, a
// store's INVALID_ARGUMENT InvalidArgument, a full disk 507 InsufficientStorage as MinIO has it).
S3ErrorReply ToS3Error(const Status& status);

}  // namespace flyte::server::s3
