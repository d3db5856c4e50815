// The aws-chunked body encoding S3 clients stream uploads in: "<hex size>;chunk-signature=<sig>\r\n
// <bytes>\r\n" per chunk, a zero-size chunk last, then optional trailer lines ("x-amz-checksum-
// crc32:...") and an empty line. Decoded as bytes arrive, never holding a chunk: each chunk's
// SHA-256 is taken as it passes and its signature, chained from the request's, checked at its end
// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD), or no signatures are expected
// (STREAMING-UNSIGNED-PAYLOAD-TRAILER). One upload at a time; not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/digest.h"
#include "common/status.h"
#include "server/s3/sigv4.h"

namespace flyte::server::s3 {

class AwsChunkedDecoder {
 public:
  // `signed_request`: the verified request whose seed signature the chunks chain from; nullopt
  // for unsigned chunks.
  explicit AwsChunkedDecoder(std::optional<VerifiedRequest> signed_request);

  // Decodes `input`, appending the payload bytes to `out`. Errors carry S3's codes
  // (IncompleteBody for a malformed encoding, SignatureDoesNotMatch for a chunk); after one the
  // decoder refuses everything.
  Status Decode(std::string_view input, std::string& out);
  // Whether the last chunk and the trailers have been read (bytes after them are an error).
  bool done() const { return state_ == State::kDone; }
  // The trailer fields, names in lower case.
  const std::map<std::string, std::string>& trailers() const { return trailers_; }
  uint64_t decoded_bytes() const { return decoded_bytes_; }

 private:
  enum class State { kHeader, kData, kDataEnd, kTrailer, kDone, kFailed };
  Status Fail(std::string_view message);
  Status EndHeader();
  Status EndChunk();
  Status EndTrailerLine();

  std::optional<VerifiedRequest> signed_;
  State state_ = State::kHeader;
  std::string line_;  // a chunk header or trailer line so far (bounded)
  uint64_t remaining_ = 0;
  bool last_chunk_ = false;
  std::string chunk_signature_;
  std::string previous_signature_;
  std::optional<HashStream> chunk_hash_;
  std::map<std::string, std::string> trailers_;
  uint64_t decoded_bytes_ = 0;
};

}  // namespace flyte::server::s3
