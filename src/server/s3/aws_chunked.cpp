#include "server/s3/aws_chunked.h"

#include <algorithm>

#include "server/s3/s3_error.h"

namespace flyte::server::s3 {
namespace {

// A chunk header or trailer line is a size, a signature and a few names: far below this.
constexpr size_t kMaxLineBytes = 4096;
constexpr std::string_view kSignatureField = "chunk-signature=";

std::optional<uint64_t> ParseHexSize(std::string_view text) {
  if (text.empty() || text.size() > 15) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    value = value * 16 + static_cast<uint64_t>(digit);
  }
  return value;
}

}  // namespace

AwsChunkedDecoder::AwsChunkedDecoder(std::optional<VerifiedRequest> signed_request)
    : signed_(std::move(signed_request)) {
  if (signed_) previous_signature_ = signed_->seed_signature;
}

Status AwsChunkedDecoder::Fail(std::string_view message) {
  state_ = State::kFailed;
  return S3Error(absl::StatusCode::kInvalidArgument, "IncompleteBody", "aws-chunked body: " + std::string(message));
}

// "<hex size>[;chunk-signature=<hex>]"
Status AwsChunkedDecoder::EndHeader() {
  const std::string_view line = line_;
  const size_t semicolon = line.find(';');
  const auto size = ParseHexSize(line.substr(0, semicolon));
  if (!size) return Fail("a chunk size is not hexadecimal");
  chunk_signature_.clear();
  if (semicolon != std::string_view::npos) {
    const std::string_view extension = line.substr(semicolon + 1);
    if (extension.substr(0, kSignatureField.size()) != kSignatureField) return Fail("unknown chunk extension");
    chunk_signature_ = std::string(extension.substr(kSignatureField.size()));
  }
  if (signed_ && chunk_signature_.empty()) return Fail("a chunk has no chunk-signature");
  remaining_ = *size;
  last_chunk_ = *size == 0;
  chunk_hash_.emplace(HashAlgorithm::kSha256);
  // The last chunk has no data and no CRLF of its own: trailers, then an empty line, follow.
  if (last_chunk_) return EndChunk();
  state_ = State::kData;
  return absl::OkStatus();
}

Status AwsChunkedDecoder::EndChunk() {
  if (signed_) {
    const std::string expected = ChunkSignature(*signed_, previous_signature_, chunk_hash_->Finish());
    if (!SecureEquals(expected, chunk_signature_)) {
      state_ = State::kFailed;
      return S3Error(absl::StatusCode::kPermissionDenied, "SignatureDoesNotMatch",
                     "a chunk's signature does not match its bytes");
    }
    previous_signature_ = expected;
  }
  chunk_hash_.reset();
  state_ = last_chunk_ ? State::kTrailer : State::kHeader;
  return absl::OkStatus();
}

// "name:value", or the empty line that ends the body.
Status AwsChunkedDecoder::EndTrailerLine() {
  if (line_.empty()) {
    state_ = State::kDone;
    return absl::OkStatus();
  }
  const size_t colon = line_.find(':');
  if (colon == std::string::npos || colon == 0) return Fail("a trailer is not name:value");
  std::string name = line_.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string_view value = std::string_view(line_).substr(colon + 1);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  trailers_[name] = std::string(value);
  return absl::OkStatus();
}

Status AwsChunkedDecoder::Decode(std::string_view input, std::string& out) {
  while (!input.empty()) {
    switch (state_) {
      case State::kFailed:
        return Fail("the body failed before");
      case State::kDone:
        return Fail("bytes after the last chunk");
      case State::kData: {
        const size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, input.size()));
        out.append(input.data(), take);
        chunk_hash_->Update(input.substr(0, take));
        decoded_bytes_ += take;
        remaining_ -= take;
        input.remove_prefix(take);
        if (remaining_ == 0) state_ = State::kDataEnd;
        break;
      }
      case State::kDataEnd:
      case State::kHeader:
      case State::kTrailer: {
        // Lines end with CRLF; the chunk's data ends with an empty one.
        const size_t newline = input.find('\n');
        const std::string_view piece = input.substr(0, newline);
        if (line_.size() + piece.size() > kMaxLineBytes) return Fail("a chunk header is too long");
        line_.append(piece);
        if (newline == std::string_view::npos) {
          input = {};
          break;
        }
        input.remove_prefix(newline + 1);
        if (line_.empty() || line_.back() != '\r') return Fail("a line does not end with CRLF");
        line_.pop_back();
        Status status;
        if (state_ == State::kDataEnd) {
          status = line_.empty() ? EndChunk() : Fail("a chunk is longer than its size");
        } else if (state_ == State::kHeader) {
          status = EndHeader();
        } else {
          status = EndTrailerLine();
        }
        line_.clear();
        RETURN_IF_ERROR(status);
        break;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace flyte::server::s3
