#include "server/h2_guard.h"

#include <doctest/doctest.h>

#include <string>

namespace flyte::server::h2 {
namespace {

using Clock = ConnectionGuard::Clock;
using std::chrono::seconds;

FrameHeader Header(FrameType type, uint8_t flags, uint32_t stream, uint32_t length = 0) {
  return FrameHeader{.length = length, .type = type, .flags = flags, .stream = stream};
}

std::string Uint32(uint32_t value) {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
  return out;
}

std::string Setting(SettingId id, uint32_t value) {
  return std::string{static_cast<char>(0), static_cast<char>(id)} + Uint32(value);
}

GrpcLimits Limits() {
  GrpcLimits limits;
  limits.max_concurrent_streams = 2;
  limits.max_stream_resets = 3;
  limits.stream_reset_window = seconds(10);
  return limits;
}

// A whole unary request on `stream`: HEADERS then DATA with END_STREAM.
std::optional<Violation> Call(ConnectionGuard& guard, uint32_t stream, Clock::time_point now) {
  if (auto violation = guard.FromClient(Header(FrameType::kHeaders, kEndHeaders, stream, 30), {}, now)) {
    return violation;
  }
  return guard.FromClient(Header(FrameType::kData, kEndStream, stream, 5), {}, now);
}

std::optional<Violation> Reset(ConnectionGuard& guard, uint32_t stream, Clock::time_point now) {
  return guard.FromClient(Header(FrameType::kRstStream, 0, stream, 4), {}, now);
}

TEST_CASE("h2 guard: streams reset past the limit within the window end the connection (rapid reset)") {
  ConnectionGuard guard(Limits());
  const auto start = Clock::now();
  for (uint32_t stream = 1; stream <= 5; stream += 2) {
    REQUIRE_FALSE(Call(guard, stream, start));
    REQUIRE_FALSE(Reset(guard, stream, start));
  }
  CHECK(guard.open_streams() == 0);  // reset streams are closed: the stream limit alone cannot stop this
  REQUIRE_FALSE(Call(guard, 7, start + seconds(1)));
  const auto violation = Reset(guard, 7, start + seconds(1));
  REQUIRE(violation);
  CHECK(violation->code == ErrorCode::kEnhanceYourCalm);
  CHECK(violation->reason == "more than 3 streams reset within 10s");
  CHECK(guard.last_client_stream() == 7);
}

TEST_CASE("h2 guard: resets spread over windows are allowed; resetting an unknown stream is not counted") {
  ConnectionGuard guard(Limits());
  const auto start = Clock::now();
  uint32_t stream = 1;
  for (int window = 0; window < 4; ++window) {
    for (int i = 0; i < 3; ++i, stream += 2) {
      REQUIRE_FALSE(Call(guard, stream, start + seconds(10 * window)));
      REQUIRE_FALSE(Reset(guard, stream, start + seconds(10 * window)));
    }
  }
  for (int i = 0; i < 10; ++i) CHECK_FALSE(Reset(guard, 1001, start + seconds(40)));
}

TEST_CASE("h2 guard: a client opening more streams than advertised is refused; ended streams free their place") {
  ConnectionGuard guard(Limits());
  const auto now = Clock::now();
  REQUIRE_FALSE(Call(guard, 1, now));
  REQUIRE_FALSE(Call(guard, 3, now));
  CHECK(guard.open_streams() == 2);
  // gRPC answers stream 1 (trailers end it) and refuses stream 3.
  guard.FromServer(Header(FrameType::kHeaders, kEndHeaders, 1, 10), {}, now);
  guard.FromServer(Header(FrameType::kHeaders, kEndHeaders | kEndStream, 1, 10), {}, now);
  guard.FromServer(Header(FrameType::kRstStream, 0, 3, 4), {}, now);
  CHECK(guard.open_streams() == 0);
  REQUIRE_FALSE(Call(guard, 5, now));
  REQUIRE_FALSE(Call(guard, 7, now));
  const auto violation = Call(guard, 9, now);
  REQUIRE(violation);
  CHECK(violation->reason == "more than 2 streams open at once");
}

TEST_CASE("h2 guard: header blocks are bounded, empty CONTINUATION frames included, and not interrupted") {
  const auto now = Clock::now();
  ConnectionGuard guard(Limits());
  REQUIRE_FALSE(guard.FromClient(Header(FrameType::kHeaders, 0, 1, 100), {}, now));
  std::optional<Violation> violation;
  int frames = 0;
  while (!violation && frames < 100000) {
    violation = guard.FromClient(Header(FrameType::kContinuation, 0, 1, 0), {}, now);
    ++frames;
  }
  REQUIRE(violation);
  CHECK(violation->code == ErrorCode::kEnhanceYourCalm);
  CHECK(frames < 8000);

  ConnectionGuard interrupted(Limits());
  REQUIRE_FALSE(interrupted.FromClient(Header(FrameType::kHeaders, 0, 1, 100), {}, now));
  REQUIRE_FALSE(interrupted.FromClient(Header(FrameType::kContinuation, kEndHeaders, 1, 100), {}, now));
  REQUIRE_FALSE(interrupted.FromClient(Header(FrameType::kHeaders, 0, 3, 100), {}, now));
  violation = interrupted.FromClient(Header(FrameType::kPing, 0, 0, 8), {}, now);
  REQUIRE(violation);
  CHECK(violation->code == ErrorCode::kProtocolError);
}

TEST_CASE("h2 guard: gRPC is starved while the client grants no window for a reply, until it does") {
  const auto start = Clock::now();
  ConnectionGuard guard(Limits());
  REQUIRE_FALSE(Call(guard, 1, start));
  guard.FromServer(Header(FrameType::kHeaders, kEndHeaders, 1, 10), {}, start);
  guard.FromServer(Header(FrameType::kData, 0, 1, 65535), {}, start + seconds(1));
  REQUIRE(guard.starved_since());
  CHECK(*guard.starved_since() == start + seconds(1));
  // The stream's window alone is not enough: the connection's is spent too.
  REQUIRE_FALSE(guard.FromClient(Header(FrameType::kWindowUpdate, 0, 1, 4), Uint32(1000), start + seconds(2)));
  CHECK(*guard.starved_since() == start + seconds(1));
  REQUIRE_FALSE(guard.FromClient(Header(FrameType::kWindowUpdate, 0, 0, 4), Uint32(1000), start + seconds(3)));
  CHECK_FALSE(guard.starved_since());
  // The reply ends: nothing is owed, whatever the windows say.
  guard.FromServer(Header(FrameType::kData, 0, 1, 1000), {}, start + seconds(4));
  CHECK(guard.starved_since());
  guard.FromServer(Header(FrameType::kHeaders, kEndHeaders | kEndStream, 1, 10), {}, start + seconds(4));
  CHECK_FALSE(guard.starved_since());
  CHECK(guard.open_streams() == 0);
}

TEST_CASE("h2 guard: the client's initial window applies to open streams; gRPC's frame size to the client") {
  const auto now = Clock::now();
  ConnectionGuard guard(Limits());
  REQUIRE_FALSE(guard.FromClient(Header(FrameType::kWindowUpdate, 0, 0, 4), Uint32(1 << 30), now));
  REQUIRE_FALSE(Call(guard, 1, now));
  guard.FromServer(Header(FrameType::kData, 0, 1, 60000), {}, now);
  CHECK_FALSE(guard.starved_since());
  const std::string small_window = Setting(SettingId::kInitialWindowSize, 1000);
  REQUIRE_FALSE(guard.FromClient(Header(FrameType::kSettings, 0, 0, 6), small_window, now));
  CHECK(guard.starved_since());

  CHECK(guard.max_client_frame_size() == kDefaultMaxFrameSize);
  guard.FromServer(Header(FrameType::kSettings, 0, 0, 6), Setting(SettingId::kMaxFrameSize, 1 << 20), now);
  CHECK(guard.max_client_frame_size() == 1u << 20);
}

TEST_CASE("h2 guard: whole requests are counted as calls until gRPC answers them or the client resets them") {
  const auto now = Clock::now();
  ConnectionGuard guard(Limits());
  REQUIRE_FALSE(guard.FromClient(Header(FrameType::kHeaders, kEndHeaders, 1, 30), {}, now));
  CHECK(guard.TakeCallChanges().whole == 0);  // not whole yet: gRPC does not queue it
  REQUIRE_FALSE(guard.FromClient(Header(FrameType::kData, kEndStream, 1, 5), {}, now));
  REQUIRE_FALSE(Call(guard, 3, now));
  CallChanges changes = guard.TakeCallChanges();
  CHECK(changes.whole == 2);
  CHECK(guard.unanswered_calls() == 2);

  guard.FromServer(Header(FrameType::kHeaders, kEndHeaders | kEndStream, 1, 10), {}, now);  // trailers
  REQUIRE_FALSE(Reset(guard, 3, now));
  changes = guard.TakeCallChanges();
  CHECK(changes.answered == 1);
  CHECK(changes.abandoned == 1);
  CHECK(guard.unanswered_calls() == 0);

  // gRPC refusing a call answers it too; a reset after the answer abandons nothing.
  REQUIRE_FALSE(Call(guard, 5, now));
  guard.FromServer(Header(FrameType::kRstStream, 0, 5, 4), {}, now);
  REQUIRE_FALSE(Reset(guard, 5, now));
  changes = guard.TakeCallChanges();
  CHECK(changes.whole == 1);
  CHECK(changes.answered == 1);
  CHECK(changes.abandoned == 0);
}

}  // namespace
}  // namespace flyte::server::h2
