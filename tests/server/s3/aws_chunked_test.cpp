// aws-chunked decoding against S3's worked example (a 66,560-byte object of 'a' in a 64 KiB and a
// 1 KiB chunk, signatures chained from the request's seed signature), fed in uneven pieces.
#include "server/s3/aws_chunked.h"

#include <doctest/doctest.h>

#include <string>

#include "server/s3/s3_error.h"

namespace flyte::server::s3 {
namespace {

constexpr std::time_t kS3ExampleTime = 1369353600;  // 20130524T000000Z

VerifiedRequest SeedRequest() {
  const SignedRequest request{
      "PUT",
      "/examplebucket/chunkObject.txt",
      "",
      {{"Host", "s3.amazonaws.com"},
       {"x-amz-date", "20130524T000000Z"},
       {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
       {"Authorization",
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-"
        "encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-"
        "class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"},
       {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
       {"Content-Encoding", "aws-chunked"},
       {"x-amz-decoded-content-length", "66560"},
       {"Content-Length", "66824"}}};
  auto verified = Verify(request, {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}, kS3ExampleTime);
  REQUIRE(verified.ok());
  CHECK(verified->payload == VerifiedRequest::Payload::kStreamingSigned);
  return *verified;
}

std::string ExampleBody() {
  return "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n" +
         std::string(65536, 'a') +
         "\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n" +
         std::string(1024, 'a') +
         "\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n";
}

// Decodes `body` in pieces of `piece` bytes; the first error, if any.
Status DecodeInPieces(AwsChunkedDecoder& decoder, const std::string& body, size_t piece, std::string& out) {
  for (size_t at = 0; at < body.size(); at += piece) {
    Status status = decoder.Decode(std::string_view(body).substr(at, piece), out);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

TEST_CASE("aws-chunked: S3's signed example decodes, whatever the pieces it arrives in") {
  for (size_t piece : {size_t{1} << 20, size_t{1000}, size_t{7}}) {
    AwsChunkedDecoder decoder(SeedRequest());
    std::string out;
    REQUIRE(DecodeInPieces(decoder, ExampleBody(), piece, out).ok());
    CHECK(decoder.done());
    CHECK(out == std::string(66560, 'a'));
    CHECK(decoder.decoded_bytes() == 66560);
  }
}

TEST_CASE("aws-chunked: a changed byte, a changed signature or a missing last chunk is refused") {
  std::string changed = ExampleBody();
  changed[200] = 'b';
  AwsChunkedDecoder decoder(SeedRequest());
  std::string out;
  CHECK(ToS3Error(DecodeInPieces(decoder, changed, 4096, out)).code == "SignatureDoesNotMatch");

  std::string resigned = ExampleBody();
  resigned[30] = resigned[30] == '0' ? '1' : '0';
  AwsChunkedDecoder second(SeedRequest());
  CHECK(ToS3Error(DecodeInPieces(second, resigned, 4096, out)).code == "SignatureDoesNotMatch");

  const std::string body = ExampleBody();
  AwsChunkedDecoder truncated(SeedRequest());
  REQUIRE(truncated.Decode(std::string_view(body).substr(0, body.size() - 90), out).ok());
  CHECK_FALSE(truncated.done());
}

TEST_CASE("aws-chunked: unsigned chunks with a checksum trailer, and malformed framing") {
  AwsChunkedDecoder decoder(std::nullopt);
  std::string out;
  REQUIRE(decoder.Decode("5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n", out).ok());
  CHECK(decoder.done());
  CHECK(out == "hello world");
  CHECK(decoder.trailers().at("x-amz-checksum-crc32") == "DUoRhQ==");

  for (const char* bad :
       {"zz\r\nhello\r\n", "5\r\nhello!!\r\n", "5\nhello\r\n", "5;foo=bar\r\nhello\r\n", "0\r\n\r\nmore"}) {
    AwsChunkedDecoder malformed(std::nullopt);
    std::string ignored;
    CHECK(ToS3Error(malformed.Decode(bad, ignored)).code == "IncompleteBody");
  }
  AwsChunkedDecoder unsigned_in_signed(SeedRequest());
  CHECK(ToS3Error(unsigned_in_signed.Decode("5\r\nhello\r\n", out)).code == "IncompleteBody");
}

}  // namespace
}  // namespace flyte::server::s3
