// What one gRPC connection may do, judged frame by frame from both directions of the front
// (Debian's gRPC 1.51 enforces none of it): streams opened and then reset (rapid reset), streams
// open at once beyond what gRPC advertised, oversized frames and header blocks (CONTINUATION
// floods); whether the client has stopped granting flow-control window (a client that never
// reads, whose replies would wait in gRPC's memory); and the calls whose request is whole, which
// gRPC queues for its threads, until gRPC answers them (the front's CallBudget counts these
// across connections). Pure bookkeeping: the front owns the sockets.
// Used on the connection's strand only.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "server/h2_frames.h"
#include "server/server_config.h"

namespace flyte::server::h2 {

// Largest header block (HEADERS and its CONTINUATION frames, 9 bytes counted for each frame
// header so empty ones count too); gRPC 1.51 refuses metadata past 8 KiB once decoded.
inline constexpr uint32_t kMaxHeaderBlockBytes = 64 * 1024;

// Calls that changed hands since the last TakeCallChanges.
struct CallChanges {
  int whole = 0;      // requests the client finished: gRPC queues each as a call
  int answered = 0;   // calls gRPC ended on the wire (END_STREAM or RST_STREAM)
  int abandoned = 0;  // calls the client reset before gRPC answered: gRPC runs them unseen
};

class ConnectionGuard {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ConnectionGuard(const GrpcLimits& limits) : limits_(limits) {}

  // A frame from the client, before it reaches gRPC; a violation ends the connection there.
  std::optional<Violation> FromClient(const FrameHeader& frame, std::string_view payload, Clock::time_point now);
  // A frame from gRPC, before it reaches the client.
  void FromServer(const FrameHeader& frame, std::string_view payload, Clock::time_point now);

  // The largest frame the client may send: what gRPC's SETTINGS allow.
  uint32_t max_client_frame_size() const { return max_client_frame_size_; }
  // The highest stream the client opened (a GOAWAY's last stream).
  uint32_t last_client_stream() const { return last_client_stream_; }
  int open_streams() const { return static_cast<int>(streams_.size()); }
  // Since when gRPC has had no flow-control window left to send on, on the connection or on an
  // open stream it has not ended; empty while it has.
  std::optional<Clock::time_point> starved_since() const { return starved_since_; }
  CallChanges TakeCallChanges() { return std::exchange(call_changes_, {}); }
  // Calls gRPC has not answered nor the client reset: what the connection leaves in gRPC if it ends now.
  int unanswered_calls() const;

 private:
  struct Stream {
    bool client_ended = false;
    bool server_ended = false;
    int64_t send_window = 0;  // what gRPC may still send on it
    bool call = false;        // the request is whole and gRPC has not answered it
  };

  using Streams = std::unordered_map<uint32_t, Stream>;

  std::optional<Violation> OpenStream(uint32_t id);
  std::optional<Violation> CountReset(Clock::time_point now);
  std::optional<Violation> ContinueHeaderBlock(const FrameHeader& frame);
  void EndClientSide(uint32_t id);
  void EndServerSide(Stream& stream);
  void Erase(Streams::iterator it);
  void ApplyClientSettings(std::string_view payload);
  void GrantWindow(uint32_t id, uint32_t increment);
  // Applies `change` to a stream, keeping the count of starved streams.
  template <class Change>
  void ChangeStream(Stream& stream, Change change);
  void UpdateStarved(Clock::time_point now);

  const GrpcLimits limits_;
  Streams streams_;  // opened by the client, not yet closed both ways
  uint32_t last_client_stream_ = 0;
  uint32_t max_client_frame_size_ = kDefaultMaxFrameSize;
  // The header block being received, if any (HEADERS without END_HEADERS so far).
  std::optional<uint32_t> header_block_stream_;
  uint32_t header_block_bytes_ = 0;
  // Resets counted in the window that began at reset_window_start_.
  Clock::time_point reset_window_start_{};
  int resets_in_window_ = 0;
  // Flow control of what gRPC sends (RFC 9113 6.9): the client's grants less gRPC's DATA.
  int64_t connection_window_ = 65535;
  int64_t initial_stream_window_ = 65535;
  int starved_streams_ = 0;  // open, not ended by gRPC, window <= 0
  std::optional<Clock::time_point> starved_since_;
  CallChanges call_changes_;
};

}  // namespace flyte::server::h2
