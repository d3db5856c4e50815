// Signed URLs for the object store: CreateUploadLocation hands them out, the HTTP /data/
// endpoint checks them. A URL grants one method on one key until it expires, and may pin the
// content MD5 the upload must have.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace flyte::admin {

struct SignedUrl {
  std::string url;
  int64_t expires_at = 0;  // unix seconds
};

class UrlSigner {
 public:
  // `secret`: the sandbox's signing key; `base_url`: e.g. "http://localhost:30080".
  UrlSigner(std::string secret, std::string base_url, const Clock& clock)
      : secret_(std::move(secret)), base_url_(std::move(base_url)), clock_(clock) {}

  // `content_md5` (raw 16 bytes, may be empty) is pinned into the signature.
  SignedUrl Sign(std::string_view method, std::string_view key, std::chrono::seconds ttl,
                 std::string_view content_md5) const;

  // Checks a request for `/data/<key>` with the URL's query parameters. PERMISSION_DENIED on a
  // bad or expired signature; returns the pinned MD5 (raw, possibly empty) on success.
  StatusOr<std::string> Verify(std::string_view method, std::string_view key,
                               const std::multimap<std::string, std::string>& query) const;

 private:
  std::string Signature(std::string_view method, std::string_view key, int64_t expires, std::string_view md5_hex) const;

  const std::string secret_;
  const std::string base_url_;
  const Clock& clock_;
};

}  // namespace flyte::admin
