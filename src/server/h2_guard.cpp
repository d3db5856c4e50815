#include "server/h2_guard.h"

#include <algorithm>
#include <string>

namespace flyte::server::h2 {
namespace {

// gRPC produces a reply once the request is whole; a stream whose window is spent then holds it.
bool Starved(bool client_ended, bool server_ended, int64_t send_window) {
  return client_ended && !server_ended && send_window <= 0;
}

Violation Calm(std::string reason) { return {ErrorCode::kEnhanceYourCalm, std::move(reason)}; }

// Each 6-byte setting of a SETTINGS payload: (identifier, value).
template <class Apply>
void ForEachSetting(std::string_view payload, Apply apply) {
  for (size_t at = 0; at + 6 <= payload.size(); at += 6) {
    const auto id = static_cast<uint16_t>((static_cast<unsigned char>(payload[at]) << 8) |
                                          static_cast<unsigned char>(payload[at + 1]));
    apply(static_cast<SettingId>(id), ReadUint32(payload.substr(at + 2)));
  }
}

}  // namespace

template <class Change>
void ConnectionGuard::ChangeStream(Stream& stream, Change change) {
  const bool before = Starved(stream.client_ended, stream.server_ended, stream.send_window);
  change(stream);
  const bool after = Starved(stream.client_ended, stream.server_ended, stream.send_window);
  starved_streams_ += static_cast<int>(after) - static_cast<int>(before);
}

std::optional<Violation> ConnectionGuard::FromClient(const FrameHeader& frame, std::string_view payload,
                                                     Clock::time_point now) {
  std::optional<Violation> violation;
  if (header_block_stream_) {
    // RFC 9113 6.10: nothing but the block's CONTINUATION frames until it ends.
    if (frame.type != FrameType::kContinuation || frame.stream != *header_block_stream_) {
      return Violation{ErrorCode::kProtocolError, "a header block was interrupted"};
    }
    return ContinueHeaderBlock(frame);
  }
  switch (frame.type) {
    case FrameType::kHeaders:
      if (frame.stream % 2 == 1 && frame.stream > last_client_stream_) violation = OpenStream(frame.stream);
      if (!violation && !frame.Has(kEndHeaders)) {
        header_block_stream_ = frame.stream;
        header_block_bytes_ = 0;
        violation = ContinueHeaderBlock(frame);
      }
      if (!violation && frame.Has(kEndStream)) EndClientSide(frame.stream);
      break;
    case FrameType::kData:
      if (frame.Has(kEndStream)) EndClientSide(frame.stream);
      break;
    case FrameType::kRstStream:
      if (auto it = streams_.find(frame.stream); it != streams_.end()) {
        if (it->second.call) ++call_changes_.abandoned;
        Erase(it);
        violation = CountReset(now);
      }
      break;
    case FrameType::kSettings:
      if (!frame.Has(kAck)) ApplyClientSettings(payload);
      break;
    case FrameType::kWindowUpdate:
      if (payload.size() == 4) GrantWindow(frame.stream, ReadUint32(payload) & 0x7fffffffu);
      break;
    default:
      break;  // gRPC judges the rest
  }
  UpdateStarved(now);
  return violation;
}

void ConnectionGuard::FromServer(const FrameHeader& frame, std::string_view payload, Clock::time_point now) {
  auto it = streams_.find(frame.stream);
  switch (frame.type) {
    case FrameType::kData:
      connection_window_ -= frame.length;
      if (it != streams_.end()) {
        ChangeStream(it->second, [&](Stream& stream) { stream.send_window -= frame.length; });
        if (frame.Has(kEndStream)) EndServerSide(it->second);
      }
      break;
    case FrameType::kHeaders:
      if (it != streams_.end() && frame.Has(kEndStream)) EndServerSide(it->second);
      break;
    case FrameType::kRstStream:
      if (it != streams_.end()) {
        EndServerSide(it->second);
        Erase(it);
      }
      it = streams_.end();
      break;
    case FrameType::kSettings:
      if (!frame.Has(kAck)) {
        ForEachSetting(payload, [&](SettingId id, uint32_t value) {
          if (id == SettingId::kMaxFrameSize) {
            max_client_frame_size_ = std::clamp(value, kDefaultMaxFrameSize, kLargestFrameSize);
          }
        });
      }
      break;
    default:
      break;
  }
  if (it != streams_.end() && it->second.client_ended && it->second.server_ended) Erase(it);
  UpdateStarved(now);
}

std::optional<Violation> ConnectionGuard::OpenStream(uint32_t id) {
  last_client_stream_ = id;
  // gRPC advertised this limit; the front sees gRPC end a stream before the client can, so a
  // client that keeps to it is never counted above it.
  if (open_streams() >= limits_.max_concurrent_streams) {
    return Calm("more than " + std::to_string(limits_.max_concurrent_streams) + " streams open at once");
  }
  streams_.emplace(id, Stream{.send_window = initial_stream_window_});
  return std::nullopt;
}

void ConnectionGuard::EndClientSide(uint32_t id) {
  auto it = streams_.find(id);
  if (it == streams_.end()) return;
  ChangeStream(it->second, [](Stream& stream) { stream.client_ended = true; });
  if (it->second.server_ended) {
    Erase(it);
    return;
  }
  it->second.call = true;
  ++call_changes_.whole;
}

void ConnectionGuard::EndServerSide(Stream& stream) {
  if (stream.call) ++call_changes_.answered;
  stream.call = false;
  ChangeStream(stream, [](Stream& changed) { changed.server_ended = true; });
}

int ConnectionGuard::unanswered_calls() const {
  int calls = 0;
  for (const auto& [_, stream] : streams_) calls += static_cast<int>(stream.call);
  return calls;
}

void ConnectionGuard::Erase(Streams::iterator it) {
  ChangeStream(it->second, [](Stream& stream) { stream.server_ended = true; });  // no longer starved
  streams_.erase(it);
}

std::optional<Violation> ConnectionGuard::CountReset(Clock::time_point now) {
  if (now - reset_window_start_ >= limits_.stream_reset_window) {
    reset_window_start_ = now;
    resets_in_window_ = 0;
  }
  if (++resets_in_window_ <= limits_.max_stream_resets) return std::nullopt;
  return Calm("more than " + std::to_string(limits_.max_stream_resets) + " streams reset within " +
              std::to_string(limits_.stream_reset_window.count()) + "s");
}

std::optional<Violation> ConnectionGuard::ContinueHeaderBlock(const FrameHeader& frame) {
  header_block_bytes_ += static_cast<uint32_t>(kFrameHeaderSize) + frame.length;
  if (header_block_bytes_ > kMaxHeaderBlockBytes) {
    return Calm("a header block larger than " + std::to_string(kMaxHeaderBlockBytes) + " bytes");
  }
  if (frame.Has(kEndHeaders)) header_block_stream_.reset();
  return std::nullopt;
}

void ConnectionGuard::ApplyClientSettings(std::string_view payload) {
  ForEachSetting(payload, [&](SettingId id, uint32_t value) {
    if (id != SettingId::kInitialWindowSize) return;
    // RFC 9113 6.9.2: the change applies to every open stream's window.
    const int64_t delta = int64_t{value} - initial_stream_window_;
    initial_stream_window_ = value;
    for (auto& [_, stream] : streams_) {
      ChangeStream(stream, [delta](Stream& changed) { changed.send_window += delta; });
    }
  });
}

void ConnectionGuard::GrantWindow(uint32_t id, uint32_t increment) {
  if (id == 0) {
    connection_window_ += increment;
    return;
  }
  if (auto it = streams_.find(id); it != streams_.end()) {
    ChangeStream(it->second, [increment](Stream& stream) { stream.send_window += increment; });
  }
}

void ConnectionGuard::UpdateStarved(Clock::time_point now) {
  const bool starved = starved_streams_ > 0 || (connection_window_ <= 0 && !streams_.empty());
  if (!starved) {
    starved_since_.reset();
  } else if (!starved_since_) {
    starved_since_ = now;
  }
}

}  // namespace flyte::server::h2
