#include "admin/signed_urls.h"

#include <charconv>

#include "common/digest.h"
#include "common/url.h"

namespace flyte::admin {
namespace {

std::string QueryValue(const std::multimap<std::string, std::string>& query, const std::string& name) {
  auto it = query.find(name);
  return it == query.end() ? std::string() : it->second;
}

StatusOr<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return absl::PermissionDeniedError("malformed md5 in signed URL");
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    int value = 0;
    for (char c : hex.substr(i, 2)) {
      int digit = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
      if (digit < 0) return absl::PermissionDeniedError("malformed md5 in signed URL");
      value = value * 16 + digit;
    }
    out.push_back(static_cast<char>(value));
  }
  return out;
}

}  // namespace

std::string UrlSigner::Signature(std::string_view method, std::string_view key, int64_t expires,
                                 std::string_view md5_hex) const {
  std::string message;
  message.append(method).append("\n").append(key).append("\n").append(std::to_string(expires)).append("\n");
  message.append(md5_hex);
  return HexEncode(HmacSha256(secret_, message));
}

SignedUrl UrlSigner::Sign(std::string_view method, std::string_view key, std::chrono::seconds ttl,
                          std::string_view content_md5) const {
  const int64_t expires = clock_.NowMillis() / 1000 + ttl.count();
  const std::string md5_hex = HexEncode(content_md5);
  std::string url = base_url_ + "/data/" + PercentEncode(key, true) + "?expires=" + std::to_string(expires);
  if (!md5_hex.empty()) url += "&md5=" + md5_hex;
  url += "&signature=" + Signature(method, key, expires, md5_hex);
  return {url, expires};
}

StatusOr<std::string> UrlSigner::Verify(std::string_view method, std::string_view key,
                                        const std::multimap<std::string, std::string>& query) const {
  const std::string expires_text = QueryValue(query, "expires");
  const std::string md5_hex = QueryValue(query, "md5");
  const std::string signature = QueryValue(query, "signature");
  if (expires_text.empty() || signature.empty()) {
    return absl::PermissionDeniedError("missing signature: request a signed URL from the data proxy");
  }
  // Only the spelling Sign writes: the signature covers the number, so "<n>junk" or "0<n>" would
  // verify too.
  int64_t expires = 0;
  const auto parsed = std::from_chars(expires_text.data(), expires_text.data() + expires_text.size(), expires);
  if (parsed.ec != std::errc() || std::to_string(expires) != expires_text) {
    return absl::PermissionDeniedError("malformed expiry in signed URL");
  }
  if (!SecureEquals(signature, Signature(method, key, expires, md5_hex))) {
    return absl::PermissionDeniedError("signature does not match this URL");
  }
  if (clock_.NowMillis() / 1000 > expires) return absl::PermissionDeniedError("signed URL has expired");
  return HexDecode(md5_hex);
}

}  // namespace flyte::admin
