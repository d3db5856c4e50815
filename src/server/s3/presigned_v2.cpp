#include "server/s3/presigned_v2.h"

#include <array>
#include <cstdlib>

#include "common/digest.h"
#include "server/s3/s3_error.h"

namespace flyte::server::s3 {
namespace {

// The sub-resources SigV2 signs as part of the resource, in its (sorted) order.
constexpr std::array<std::string_view, 12> kSubResources{
    "acl",     "delete",   "location", "partNumber", "policy",     "response-content-disposition",
    "tagging", "uploadId", "uploads",  "versionId",  "versioning", "website"};

std::string Header(const SignedRequest& request, std::string_view lower_name) {
  for (const auto& [name, value] : request.headers) {
    if (name.size() == lower_name.size() &&
        std::equal(name.begin(), name.end(), lower_name.begin(),
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; })) {
      return value;
    }
  }
  return "";
}

}  // namespace

bool IsPresignedV2(const std::multimap<std::string, std::string>& query) {
  return query.count("AWSAccessKeyId") > 0 && query.count("Signature") > 0 && query.count("Expires") > 0;
}

Status VerifyPresignedV2(const SignedRequest& request, const std::multimap<std::string, std::string>& query,
                         const S3Credentials& credentials, std::time_t now) {
  const std::string expires = query.find("Expires")->second;
  char* end = nullptr;
  const long long expires_at = std::strtoll(expires.c_str(), &end, 10);
  if (expires.empty() || *end != '\0') {
    return S3Error(absl::StatusCode::kInvalidArgument, "AuthorizationQueryParametersError", "Expires is not a number");
  }
  if (now > expires_at) return S3Error(absl::StatusCode::kPermissionDenied, "AccessDenied", "Request has expired");
  if (query.find("AWSAccessKeyId")->second != credentials.access_key_id) {
    return S3Error(absl::StatusCode::kPermissionDenied, "InvalidAccessKeyId",
                   "The AWS Access Key Id you provided does not exist in our records.");
  }
  std::string resource = request.path;
  char separator = '?';
  for (std::string_view name : kSubResources) {
    auto it = query.find(std::string(name));
    if (it == query.end()) continue;
    resource += separator + std::string(name) + (it->second.empty() ? "" : "=" + it->second);
    separator = '&';
  }
  const std::string to_sign = request.method + "\n" + Header(request, "content-md5") + "\n" +
                              Header(request, "content-type") + "\n" + expires + "\n" + resource;
  const std::string expected = Base64Encode(HmacSha1(credentials.secret_access_key, to_sign));
  if (!SecureEquals(expected, query.find("Signature")->second)) {
    return S3Error(absl::StatusCode::kPermissionDenied, "SignatureDoesNotMatch",
                   "The request signature we calculated does not match the signature you provided.");
  }
  return absl::OkStatus();
}

}  // namespace flyte::server::s3
