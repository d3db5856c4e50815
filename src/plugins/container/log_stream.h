// Docker's multiplexed log stream (a container without a TTY): frames of an 8-byte header (the
// stream: 1 stdout, 2 stderr; three zero bytes; the payload's length, big-endian) followed by the
// payload. Decoded incrementally, as the bytes arrive from a followed log.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace flyte::plugins {

class MultiplexedStreamDecoder {
 public:
  // Called with each payload, in pieces as they arrive (a frame may span many reads).
  using Output = std::function<void(int stream, std::string_view payload)>;

  explicit MultiplexedStreamDecoder(Output output) : output_(std::move(output)) {}
  void Feed(std::string_view bytes);
  // True between frames: the stream ended cleanly when it ends here.
  bool at_frame_boundary() const { return header_.empty() && remaining_ == 0; }

 private:
  Output output_;
  std::string header_;      // the part of the next header read so far
  uint32_t remaining_ = 0;  // payload bytes of the current frame still to come
  int stream_ = 0;
};

}  // namespace flyte::plugins
