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
std::string RandomBytes(size_t count);

// MD5 over bytes that arrive in pieces (an upload streamed to disk). Not thread-safe.
class Md5Stream {
 public:
  Md5Stream();
  ~Md5Stream();
  Md5Stream(const Md5Stream&) = delete;
  Md5Stream& operator=(const Md5Stream&) = delete;
  void Update(std::string_view data);
  std::string Finish();  // 16 raw bytes; call once

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
