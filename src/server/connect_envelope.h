// Connect's framing of streams (connectrpc.com/docs/protocol#streaming-rpcs): each message in an
// envelope of one flags byte and a big-endian 32-bit length; the stream ends with an envelope
// flagged end-of-stream carrying JSON, {} on success or {"error": {"code", "message"}}, under
// HTTP 200 (no trailers on HTTP/1.1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace flyte::server {

inline constexpr uint8_t kEnvelopeCompressed = 0x01;
inline constexpr uint8_t kEnvelopeEndStream = 0x02;
inline constexpr size_t kEnvelopeHeaderBytes = 5;

// `payload` in an envelope with `flags`.
std::string Envelope(std::string_view payload, uint8_t flags = 0);
// The end-of-stream envelope of a call that ended with `status`.
std::string EndStreamEnvelope(const Status& status);
// The one message of a server-streaming request's body: its envelope's payload, inflated when
// flagged compressed (`message_encoding`: the Connect-Content-Encoding header). INVALID_ARGUMENT
// when the body is not exactly one message envelope, UNIMPLEMENTED for an encoding other than
// gzip, RESOURCE_EXHAUSTED past `max_bytes`.
StatusOr<std::string> RequestMessage(std::string_view body, std::string_view message_encoding, size_t max_bytes);

}  // namespace flyte::server
