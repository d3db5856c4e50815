// Hashes, HMAC and the text encodings the wire formats use (OpenSSL underneath), and the
// deterministic bytes of a protobuf message that digests are taken of.
#pragma once

#include <google/protobuf/message.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace flyte {

std::string Md5(std::string_view data);                               // 16 raw bytes
std::string Sha256(std::string_view data);                            // 32 raw bytes
std::string HmacSha256(std::string_view key, std::string_view data);  // 32 raw bytes
std::string HmacSha1(std::string_view key, std::string_view data);    // 20 raw bytes (S3's SigV2 URLs)
std::string RandomBytes(size_t count);

enum class HashAlgorithm { kMd5, kSha1, kSha256 };

// A hash over bytes that arrive in pieces (an upload streamed to disk). Not thread-safe.
class HashStream {
 public:
  explicit HashStream(HashAlgorithm algorithm);
  ~HashStream();
  HashStream(const HashStream&) = delete;
  HashStream& operator=(const HashStream&) = delete;
  void Update(std::string_view data);
  std::string Finish();  // the raw digest (16 bytes for MD5, 20 SHA-1, 32 SHA-256); call once

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

// A message's bytes with map entries sorted, so equal values give equal bytes (and digests).
std::string DeterministicBytes(const google::protobuf::Message& message);

std::string HexEncode(std::string_view bytes);
std::string Base64Encode(std::string_view bytes);
StatusOr<std::string> Base64Decode(std::string_view text);
// RFC 4648 base32 with padding, as FlyteAdmin names upload folders after the content MD5.
std::string Base32Encode(std::string_view bytes);

// Constant-time comparison for secrets.
bool SecureEquals(std::string_view a, std::string_view b);

}  // namespace flyte
