#include "server/h2_frames.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace flyte::server::h2 {
namespace {

std::string Frame(FrameType type, uint8_t flags, uint32_t stream, const std::string& payload) {
  std::string out;
  const auto length = static_cast<uint32_t>(payload.size());
  out.push_back(static_cast<char>(length >> 16));
  out.push_back(static_cast<char>(length >> 8));
  out.push_back(static_cast<char>(length));
  out.push_back(static_cast<char>(type));
  out.push_back(static_cast<char>(flags));
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(stream >> shift));
  return out + payload;
}

struct Seen {
  FrameType type;
  uint32_t stream;
  std::string payload;
};

TEST_CASE("h2 frames: frames split anywhere are seen whole, after the preface; SETTINGS payloads are read") {
  const std::string settings_payload("\x00\x04\x00\x01\x00\x00", 6);
  const std::string bytes = std::string(kConnectionPreface) + Frame(FrameType::kSettings, 0, 0, settings_payload) +
                            Frame(FrameType::kHeaders, kEndHeaders, 1, std::string(40, 'h')) +
                            Frame(FrameType::kData, kEndStream, 1, std::string(100, 'd'));
  for (size_t step : {size_t{1}, size_t{5}, size_t{9}, size_t{1000}}) {
    CAPTURE(step);
    FrameScanner scanner(kConnectionPreface.size());
    std::vector<Seen> seen;
    const FrameVisitor visit = [&](const FrameHeader& frame, std::string_view payload) {
      seen.push_back({frame.type, frame.stream, std::string(payload)});
      return std::optional<Violation>();
    };
    for (size_t at = 0; at < bytes.size(); at += step) {
      const ScanResult result = scanner.Scan(std::string_view(bytes).substr(at, step), kDefaultMaxFrameSize, visit);
      CHECK(result.pass == std::min(step, bytes.size() - at));
      CHECK_FALSE(result.violation);
    }
    CHECK(scanner.AtFrameBoundary());
    REQUIRE(seen.size() == 3);
    CHECK(seen[0].type == FrameType::kSettings);
    CHECK(seen[0].payload == settings_payload);
    CHECK(seen[1].type == FrameType::kHeaders);
    CHECK(seen[1].stream == 1);
    CHECK(seen[1].payload.empty());  // header blocks pass unread
    CHECK(seen[2].type == FrameType::kData);
  }
}

TEST_CASE("h2 frames: an oversized frame and a refused frame stop the bytes at the frame's start") {
  const std::string ping = Frame(FrameType::kPing, 0, 0, std::string(8, 'p'));
  const std::string big = Frame(FrameType::kData, 0, 1, std::string(kDefaultMaxFrameSize + 1, 'd'));
  FrameScanner scanner;
  const FrameVisitor accept = [](const FrameHeader&, std::string_view) { return std::optional<Violation>(); };
  ScanResult result = scanner.Scan(ping + big, kDefaultMaxFrameSize, accept);
  CHECK(result.pass == ping.size());
  REQUIRE(result.violation);
  CHECK(result.violation->code == ErrorCode::kFrameSizeError);

  FrameScanner refusing;
  const FrameVisitor refuse_rst = [](const FrameHeader& frame, std::string_view) {
    return frame.type == FrameType::kRstStream ? std::optional<Violation>(Violation{ErrorCode::kEnhanceYourCalm, "x"})
                                               : std::nullopt;
  };
  result = refusing.Scan(ping + Frame(FrameType::kRstStream, 0, 1, std::string(4, '\0')) + ping, kDefaultMaxFrameSize,
                         refuse_rst);
  CHECK(result.pass == ping.size());
  CHECK(result.violation);
}

TEST_CASE("h2 frames: GOAWAY carries the last stream, the code and the reason") {
  const std::string goaway = GoawayFrame(7, Violation{ErrorCode::kEnhanceYourCalm, "calm"});
  REQUIRE(goaway.size() == kFrameHeaderSize + 8 + 4);
  CHECK(goaway[3] == static_cast<char>(FrameType::kGoaway));
  CHECK(ReadUint32(std::string_view(goaway).substr(9)) == 7);
  CHECK(ReadUint32(std::string_view(goaway).substr(13)) == 0xb);
  CHECK(goaway.substr(17) == "calm");
}

}  // namespace
}  // namespace flyte::server::h2
