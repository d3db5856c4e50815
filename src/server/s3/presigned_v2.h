// S3's older presigned URLs (Signature Version 2 query strings: AWSAccessKeyId, Expires,
// Signature), which botocore's generate_presigned_url still makes unless told to use SigV4.
// Only query authentication: requests signed in headers must use SigV4.
#pragma once

#include <ctime>
#include <map>
#include <string>

#include "common/status.h"
#include "server/s3/sigv4.h"

namespace flyte::server::s3 {

// Whether the query carries a SigV2 presigned URL's parameters.
bool IsPresignedV2(const std::multimap<std::string, std::string>& query);

// Checks the signature over method, Content-MD5, Content-Type, Expires and the resource (path
// and sub-resources). Errors as Verify's (AccessDenied "Request has expired", InvalidAccessKeyId,
// SignatureDoesNotMatch).
Status VerifyPresignedV2(const SignedRequest& request, const std::multimap<std::string, std::string>& query,
                         const S3Credentials& credentials, std::time_t now);

}  // namespace flyte::server::s3
