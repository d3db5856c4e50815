#include "server/s3/upload.h"

#include <zlib.h>

#include "server/s3/s3_error.h"

namespace flyte::server::s3 {
namespace {

Status BadDigest(std::string_view message) { return S3Error(absl::StatusCode::kInvalidArgument, "BadDigest", message); }

std::string BigEndian(uint32_t value) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) out[static_cast<size_t>(i)] = static_cast<char>((value >> (24 - 8 * i)) & 0xFF);
  return out;
}

}  // namespace

StatusOr<UploadClaims> UploadClaims::Of(const VerifiedRequest& signature,
                                        const std::function<std::string(std::string_view)>& header) {
  UploadClaims claims;
  claims.signature = signature;
  using Payload = VerifiedRequest::Payload;
  claims.aws_chunked =
      signature.payload == Payload::kStreamingSigned || signature.payload == Payload::kStreamingUnsignedTrailer;
  if (const std::string md5 = header("content-md5"); !md5.empty()) {
    auto raw = Base64Decode(md5);
    if (!raw.ok() || raw->size() != 16) {
      return S3Error(absl::StatusCode::kInvalidArgument, "InvalidDigest", "The Content-MD5 you specified was invalid.");
    }
    claims.content_md5 = *std::move(raw);
  }
  if (const std::string length = header("x-amz-decoded-content-length"); !length.empty()) {
    char* end = nullptr;
    const unsigned long long value = std::strtoull(length.c_str(), &end, 10);
    if (*end != '\0') return S3Error(absl::StatusCode::kInvalidArgument, "InvalidArgument", "bad decoded length");
    claims.decoded_length = value;
  }
  // x-amz-checksum-<algorithm>: <base64>, or x-amz-trailer naming one that follows the chunks.
  for (std::string_view algorithm : {"crc32", "sha1", "sha256"}) {
    const std::string name = "x-amz-checksum-" + std::string(algorithm);
    if (std::string value = header(name); !value.empty()) {
      claims.checksum_algorithm = std::string(algorithm);
      claims.checksum = std::move(value);
    } else if (header("x-amz-trailer") == name) {
      claims.checksum_algorithm = std::string(algorithm);
    }
  }
  return claims;
}

Upload::Upload(UploadClaims claims, Destination destination)
    : claims_(std::move(claims)), destination_(std::move(destination)) {
  using Payload = VerifiedRequest::Payload;
  if (claims_.aws_chunked) {
    decoder_.emplace(claims_.signature.payload == Payload::kStreamingSigned
                         ? std::optional<VerifiedRequest>(claims_.signature)
                         : std::nullopt);
  }
  if (claims_.signature.payload == Payload::kSha256) wire_sha256_.emplace(HashAlgorithm::kSha256);
  if (claims_.checksum_algorithm == "sha1") checksum_hash_.emplace(HashAlgorithm::kSha1);
  if (claims_.checksum_algorithm == "sha256") checksum_hash_.emplace(HashAlgorithm::kSha256);
}

Status Upload::Append(std::string_view bytes) {
  if (wire_sha256_) wire_sha256_->Update(bytes);
  if (!decoder_) return Consume(bytes);
  decoded_.clear();
  RETURN_IF_ERROR(decoder_->Decode(bytes, decoded_));
  return Consume(decoded_);
}

Status Upload::Consume(std::string_view payload) {
  if (payload.empty()) return absl::OkStatus();
  md5_.Update(payload);
  if (checksum_hash_) checksum_hash_->Update(payload);
  if (claims_.checksum_algorithm == "crc32") {
    crc32_ = static_cast<uint32_t>(
        ::crc32_z(crc32_, reinterpret_cast<const Bytef*>(payload.data()), static_cast<z_size_t>(payload.size())));
  }
  payload_bytes_ += payload.size();
  return destination_(payload);
}

StatusOr<std::string> Upload::Finish() {
  if (decoder_ && !decoder_->done()) {
    return S3Error(absl::StatusCode::kInvalidArgument, "IncompleteBody", "the aws-chunked body ended early");
  }
  if (claims_.decoded_length && *claims_.decoded_length != payload_bytes_) {
    return S3Error(absl::StatusCode::kInvalidArgument, "IncompleteBody",
                   "the body's length is not x-amz-decoded-content-length");
  }
  if (wire_sha256_ && HexEncode(wire_sha256_->Finish()) != claims_.signature.payload_sha256) {
    return S3Error(absl::StatusCode::kInvalidArgument, "XAmzContentSHA256Mismatch",
                   "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  std::string md5 = md5_.Finish();
  if (!claims_.content_md5.empty() && claims_.content_md5 != md5) {
    return BadDigest("The Content-MD5 you specified did not match what we received.");
  }
  if (!claims_.checksum_algorithm.empty()) {
    std::string expected = claims_.checksum;
    if (expected.empty() && decoder_) {
      auto it = decoder_->trailers().find("x-amz-checksum-" + claims_.checksum_algorithm);
      if (it != decoder_->trailers().end()) expected = it->second;
    }
    const std::string actual =
        checksum_hash_ ? Base64Encode(checksum_hash_->Finish()) : Base64Encode(BigEndian(crc32_));
    if (expected != actual) {
      return BadDigest("The " + claims_.checksum_algorithm + " checksum you specified did not match what we received.");
    }
  }
  return md5;
}

}  // namespace flyte::server::s3
