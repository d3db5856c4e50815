#include "plugins/container/log_stream.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "fakes/fake_http_server.h"

namespace flyte::plugins {
namespace {

// Recorded from Podman's GET /containers/{id}/logs of `echo out; echo err >&2`.
const std::string kRecorded(
    "\x01\0\0\0\0\0\0\x04"
    "out\n"
    "\x02\0\0\0\0\0\0\x04"
    "err\n",
    24);

struct Collected {
  std::string out, err;
  MultiplexedStreamDecoder decoder{
      [this](int stream, std::string_view payload) { (stream == 2 ? err : out).append(payload); }};
};

TEST_CASE("log stream: stdout and stderr frames, whole or byte by byte") {
  Collected whole;
  whole.decoder.Feed(kRecorded);
  CHECK(whole.out == "out\n");
  CHECK(whole.err == "err\n");
  CHECK(whole.decoder.at_frame_boundary());

  Collected bytewise;
  for (char byte : kRecorded) bytewise.decoder.Feed(std::string_view(&byte, 1));
  CHECK(bytewise.out == "out\n");
  CHECK(bytewise.err == "err\n");
}

TEST_CASE("log stream: a frame longer than 255 bytes, split across reads; an empty frame") {
  const std::string big(70000, 'x');
  const std::string bytes = testing::LogFrame(1, big) + testing::LogFrame(1, "") + testing::LogFrame(2, "tail");
  Collected collected;
  collected.decoder.Feed(std::string_view(bytes).substr(0, 5));
  CHECK_FALSE(collected.decoder.at_frame_boundary());
  collected.decoder.Feed(std::string_view(bytes).substr(5, 40000));
  collected.decoder.Feed(std::string_view(bytes).substr(40005));
  CHECK(collected.out == big);
  CHECK(collected.err == "tail");
}

}  // namespace
}  // namespace flyte::plugins
