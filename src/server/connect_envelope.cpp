#include "server/connect_envelope.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/connect.h"
#include "server/gzip.h"
#include "server/status_mapping.h"

namespace flyte::server {

std::string Envelope(std::string_view payload, uint8_t flags) {
  const auto size = static_cast<uint32_t>(payload.size());
  std::string out;
  out.reserve(kEnvelopeHeaderBytes + payload.size());
  out += static_cast<char>(flags);
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((size >> shift) & 0xff);
  out += payload;
  return out;
}

std::string EndStreamEnvelope(const Status& status) {
  return Envelope(status.ok() ? "{}" : absl::StrCat("{\"error\":", ConnectErrorJson(status), "}"), kEnvelopeEndStream);
}

StatusOr<std::string> RequestMessage(std::string_view body, std::string_view message_encoding, size_t max_bytes) {
  if (body.size() < kEnvelopeHeaderBytes) {
    return absl::InvalidArgumentError("a streaming request's body is one enveloped message");
  }
  const auto flags = static_cast<uint8_t>(body[0]);
  uint32_t size = 0;
  for (size_t i = 1; i < kEnvelopeHeaderBytes; ++i) size = (size << 8) | static_cast<unsigned char>(body[i]);
  const std::string_view payload = body.substr(kEnvelopeHeaderBytes);
  if ((flags & ~kEnvelopeCompressed) != 0 || payload.size() != size) {
    return absl::InvalidArgumentError("a streaming request's body is one enveloped message");
  }
  if ((flags & kEnvelopeCompressed) == 0) {
    if (payload.size() > max_bytes) return absl::ResourceExhaustedError("the request is too large");
    return std::string(payload);
  }
  const std::string encoding = absl::AsciiStrToLower(std::string(message_encoding));
  if (encoding != "gzip") {
    return absl::UnimplementedError(
        absl::StrCat("message encoding \"", Echo(encoding), "\" is not supported: use gzip"));
  }
  return Gunzip(payload, max_bytes);
}

}  // namespace flyte::server
