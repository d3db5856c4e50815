// An S3 request body on its way in: decoded from aws-chunked when sent so (each chunk's
// signature checked), hashed as it passes, handed on to its destination (a blob writer, or a
// string for the small XML bodies), and checked at the end against what the request claimed:
// the signed x-amz-content-sha256, Content-MD5, an x-amz-checksum-* header or trailer, the
// decoded length. Blocking only as its destination is; one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/digest.h"
#include "common/status.h"
#include "server/body_sink.h"
#include "server/s3/aws_chunked.h"
#include "server/s3/sigv4.h"

namespace flyte::server::s3 {

// What the request's headers claim of its body. Built by UploadClaims::Of.
struct UploadClaims {
  VerifiedRequest signature;
  bool aws_chunked = false;                // x-amz-content-sha256 is a STREAMING-* mode
  std::string content_md5;                 // raw; empty when not sent
  std::optional<uint64_t> decoded_length;  // x-amz-decoded-content-length
  std::string checksum_algorithm;          // "crc32", "crc32c", "sha1", "sha256"; empty: none
  std::string checksum;                    // base64 as sent; empty: in the trailer, or none
  // Errors carry S3's codes (InvalidDigest for a Content-MD5 that is not base64 of 16 bytes).
  // `header`: a request header's value by lower-case name, "" when absent.
  static StatusOr<UploadClaims> Of(const VerifiedRequest& signature,
                                   const std::function<std::string(std::string_view)>& header);
};

class Upload final : public BodySink {
 public:
  using Destination = std::function<Status(std::string_view)>;
  Upload(UploadClaims claims, Destination destination);

  Status Append(std::string_view bytes) override;
  // Checks the whole body against the claims; returns its MD5 (raw). Call once, after the last Append.
  StatusOr<std::string> Finish();

 private:
  Status Consume(std::string_view payload);

  UploadClaims claims_;
  Destination destination_;
  std::optional<AwsChunkedDecoder> decoder_;
  std::string decoded_;  // one network chunk's payload, reused
  HashStream md5_{HashAlgorithm::kMd5};
  std::optional<HashStream> wire_sha256_;  // for a signed payload hash
  std::optional<HashStream> checksum_hash_;
  uint32_t crc32_ = 0;
  uint64_t payload_bytes_ = 0;
};

}  // namespace flyte::server::s3
