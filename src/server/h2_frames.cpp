#include "server/h2_frames.h"

#include <algorithm>
#include <cstring>

namespace flyte::server::h2 {
namespace {

FrameHeader ParseHeader(const unsigned char* bytes) {
  FrameHeader header;
  header.length = (uint32_t{bytes[0]} << 16) | (uint32_t{bytes[1]} << 8) | bytes[2];
  header.type = static_cast<FrameType>(bytes[3]);
  header.flags = bytes[4];
  header.stream = ReadUint32(std::string_view(reinterpret_cast<const char*>(bytes) + 5, 4)) & 0x7fffffffu;
  return header;
}

// The frames whose payload the front reads; every other payload only passes by.
bool ReadsPayload(FrameType type) { return type == FrameType::kSettings || type == FrameType::kWindowUpdate; }

void AppendUint32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xff));
}

}  // namespace

uint32_t ReadUint32(std::string_view bytes) {
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
}

ScanResult FrameScanner::Scan(std::string_view bytes, uint32_t max_frame_size, const FrameVisitor& visit) {
  size_t at = 0;
  size_t frame_start = 0;  // where the frame being scanned began in `bytes`; 0 when it began earlier
  while (at < bytes.size()) {
    const size_t left = bytes.size() - at;
    if (skip_ > 0) {
      const size_t n = std::min(skip_, left);
      skip_ -= n;
      at += n;
      continue;
    }
    if (payload_left_ > 0) {
      const size_t n = std::min(payload_left_, left);
      if (reading_payload_) payload_.append(bytes.substr(at, n));
      at += n;
      payload_left_ -= n;
      if (payload_left_ == 0 && reading_payload_) {
        reading_payload_ = false;
        if (auto violation = visit(current_, payload_)) return {frame_start, std::move(violation)};
      }
      continue;
    }
    if (header_size_ == 0) frame_start = at;
    const size_t n = std::min(kFrameHeaderSize - header_size_, left);
    std::memcpy(header_ + header_size_, bytes.data() + at, n);
    header_size_ += n;
    at += n;
    if (header_size_ < kFrameHeaderSize) break;
    header_size_ = 0;
    current_ = ParseHeader(header_);
    if (current_.length > max_frame_size) {
      return {frame_start,
              Violation{ErrorCode::kFrameSizeError, "a frame of " + std::to_string(current_.length) +
                                                        " bytes (at most " + std::to_string(max_frame_size) + ")"}};
    }
    payload_left_ = current_.length;
    reading_payload_ = ReadsPayload(current_.type) && payload_left_ > 0;
    payload_.clear();
    if (!reading_payload_) {
      if (auto violation = visit(current_, {})) return {frame_start, std::move(violation)};
    }
  }
  return {bytes.size(), std::nullopt};
}

std::string GoawayFrame(uint32_t last_stream, const Violation& violation) {
  const std::string_view reason = std::string_view(violation.reason).substr(0, 256);
  std::string frame;
  const auto length = static_cast<uint32_t>(8 + reason.size());
  frame.push_back(static_cast<char>((length >> 16) & 0xff));
  frame.push_back(static_cast<char>((length >> 8) & 0xff));
  frame.push_back(static_cast<char>(length & 0xff));
  frame.push_back(static_cast<char>(FrameType::kGoaway));
  frame.push_back(0);      // no flags
  AppendUint32(frame, 0);  // the connection's stream
  AppendUint32(frame, last_stream & 0x7fffffffu);
  AppendUint32(frame, static_cast<uint32_t>(violation.code));
  frame.append(reason);
  return frame;
}

}  // namespace flyte::server::h2
