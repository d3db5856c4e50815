// HTTP/2 frames (RFC 9113) as bytes pass through the gRPC front: each frame's 9-byte header, and
// the payload of the two frames whose content the front reads (SETTINGS, WINDOW_UPDATE).
// Header blocks stay compressed: the front never decodes HPACK, so it never drops or reorders a
// frame, which would put gRPC's HPACK decoder out of step with the client's encoder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace flyte::server::h2 {

enum class FrameType : uint8_t {
  kData = 0x0,
  kHeaders = 0x1,
  kPriority = 0x2,
  kRstStream = 0x3,
  kSettings = 0x4,
  kPushPromise = 0x5,
  kPing = 0x6,
  kGoaway = 0x7,
  kWindowUpdate = 0x8,
  kContinuation = 0x9,
};

inline constexpr uint8_t kEndStream = 0x1;   // DATA, HEADERS
inline constexpr uint8_t kAck = 0x1;         // SETTINGS, PING
inline constexpr uint8_t kEndHeaders = 0x4;  // HEADERS, CONTINUATION

// What a client sends first (RFC 9113 3.4), before its frames.
inline constexpr std::string_view kConnectionPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
inline constexpr size_t kFrameHeaderSize = 9;
inline constexpr uint32_t kDefaultMaxFrameSize = 16384;        // until the receiver's SETTINGS say more
inline constexpr uint32_t kLargestFrameSize = (1u << 24) - 1;  // what a frame header can say

enum class ErrorCode : uint32_t {
  kProtocolError = 0x1,
  kFrameSizeError = 0x6,
  kEnhanceYourCalm = 0xb,
};

enum class SettingId : uint16_t {
  kMaxConcurrentStreams = 0x3,
  kInitialWindowSize = 0x4,
  kMaxFrameSize = 0x5,
};

struct FrameHeader {
  uint32_t length = 0;
  FrameType type = FrameType::kData;  // unknown types keep their number
  uint8_t flags = 0;
  uint32_t stream = 0;

  bool Has(uint8_t flag) const { return (flags & flag) != 0; }
};

// Why the front ends a connection: the GOAWAY it sends, with a reason as its debug data.
struct Violation {
  ErrorCode code;
  std::string reason;
};

// A frame: its header, and its payload for SETTINGS and WINDOW_UPDATE (visited once that is in;
// every other frame is visited as soon as its header is in, with an empty payload).
using FrameVisitor = std::function<std::optional<Violation>(const FrameHeader&, std::string_view payload)>;

struct ScanResult {
  size_t pass = 0;                     // bytes of the input that may go on (all, unless a violation)
  std::optional<Violation> violation;  // the frame at `pass` is refused; the connection ends there
};

// Splits one direction of a connection into frames, however the bytes arrive; holds at most one
// frame header and one read payload (at most the frame size limit). One per direction, used by
// one strand.
class FrameScanner {
 public:
  // `skip` leading bytes are not frames (the client's 24-byte connection preface).
  explicit FrameScanner(size_t skip = 0) : skip_(skip) {}

  // Visits every frame whose header (or read payload) completes within `bytes`. A frame longer
  // than `max_frame_size` is a violation (FRAME_SIZE_ERROR) before any of it passes.
  ScanResult Scan(std::string_view bytes, uint32_t max_frame_size, const FrameVisitor& visit);

  // Whether everything scanned so far ends on a frame boundary (a GOAWAY may follow it).
  bool AtFrameBoundary() const { return skip_ == 0 && header_size_ == 0 && payload_left_ == 0; }

 private:
  size_t skip_;
  unsigned char header_[kFrameHeaderSize] = {};
  size_t header_size_ = 0;  // bytes of header_ filled
  FrameHeader current_;
  bool reading_payload_ = false;  // current_'s payload is collected into payload_
  std::string payload_;
  size_t payload_left_ = 0;
};

// The bytes of a GOAWAY frame: the last stream the server will process, the error, the reason.
std::string GoawayFrame(uint32_t last_stream, const Violation& violation);

uint32_t ReadUint32(std::string_view bytes);  // big-endian, the first four bytes

}  // namespace flyte::server::h2
