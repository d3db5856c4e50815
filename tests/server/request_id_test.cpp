#include "server/request_id.h"

#include <doctest/doctest.h>

#include <string>

namespace flyte::server {
namespace {

TEST_CASE("a client's sane request id is kept, anything else gets a new one") {
  CHECK(RequestIdFor("e2e-grpc-0a1b2c:3.4_5") == "e2e-grpc-0a1b2c:3.4_5");
  CHECK(RequestIdFor(std::string(128, 'a')) == std::string(128, 'a'));
  for (const std::string& refused : {std::string(), std::string(129, 'a'), std::string("has space"),
                                     std::string("quote\""), std::string("new\nline"), std::string("caf\xC3\xA9")}) {
    CAPTURE(refused);
    const std::string made = RequestIdFor(refused);
    CHECK(made != refused);
    CHECK(RequestIdFor(made) == made);  // what the sandbox makes is itself sane
  }
  CHECK(RequestIdFor("") != RequestIdFor(""));
}

}  // namespace
}  // namespace flyte::server
