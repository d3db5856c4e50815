#include "server/request_guard.h"

#include <doctest/doctest.h>

#include <string>

namespace flyte::server {
namespace {

GuardedRequest Post(std::string_view host, std::string_view origin, std::string_view content_type) {
  return {"POST", "/api/v1/projects", host, origin, content_type, true};
}

int StatusOf(const std::optional<HttpReply>& reply) { return reply ? reply->status : 0; }

TEST_CASE("request guard: Host must name this sandbox, any port") {
  const RequestGuard guard{ServerConfig{}};
  for (const char* host : {"localhost:30080", "LOCALHOST", "127.0.0.1:1", "[::1]:30080", "[::1]"}) {
    CHECK_MESSAGE(!guard.Check({"GET", "/api/v1/projects", host, "", "", false}), host);
  }
  for (const char* host : {"evil.example", "evil.example:30080", "", "localhost.evil.example", "[::2]:30080"}) {
    auto refused = guard.Check({"GET", "/api/v1/projects", host, "", "", false});
    CHECK_MESSAGE(StatusOf(refused) == 403, host);
  }
  // Every path, reads and writes alike.
  CHECK(StatusOf(guard.Check({"GET", "/healthz", "evil.example", "", "", false})) == 403);
  CHECK(StatusOf(guard.Check({"PUT", "/data/x?expires=1", "evil.example", "", "", true})) == 403);
}

TEST_CASE("request guard: the config adds host names to the bind and client addresses") {
  ServerConfig config;
  config.bind_address = "0.0.0.0";
  config.public_address = "sandbox.lan:30080";
  const RequestGuard defaults{config};
  CHECK(!defaults.Check({"GET", "/healthz", "0.0.0.0:30080", "", "", false}));
  CHECK(!defaults.Check({"GET", "/healthz", "sandbox.lan:30080", "", "", false}));
  CHECK(StatusOf(defaults.Check({"GET", "/healthz", "other.lan", "", "", false})) == 403);

  config.allowed_hosts = {"Box.Lan", "[fd00::1]"};
  const RequestGuard listed{config};
  CHECK(!listed.Check({"GET", "/healthz", "box.lan:8080", "", "", false}));
  CHECK(!listed.Check({"GET", "/healthz", "[fd00::1]:30080", "", "", false}));
  CHECK(!listed.Check({"GET", "/healthz", "127.0.0.1:30080", "", "", false}));  // loopback stays
  CHECK(!listed.Check({"GET", "/healthz", "sandbox.lan", "", "", false}));
  CHECK(StatusOf(listed.Check({"GET", "/healthz", "other.lan", "", "", false})) == 403);

  config.bind_address = "fd00::2";
  CHECK(!RequestGuard{config}.Check({"GET", "/healthz", "[fd00::2]:30080", "", "", false}));
}

TEST_CASE("request guard: changes only from the sandbox's own origin") {
  const RequestGuard guard{ServerConfig{}};
  CHECK(!guard.Check(Post("localhost:30080", "", "application/json")));  // not a browser
  CHECK(!guard.Check(Post("localhost:30080", "http://localhost:30080", "application/json")));
  CHECK(!guard.Check(Post("LocalHost:30080", "http://localhost:30080", "application/json")));
  for (const char* origin : {"http://127.0.0.1:9999", "http://localhost:30081", "http://evil.example", "null"}) {
    auto refused = guard.Check(Post("localhost:30080", origin, "application/json"));
    CHECK_MESSAGE(StatusOf(refused) == 403, origin);
  }
  // Every method but GET and HEAD, on every path: /data/ uploads and CORS preflights too.
  CHECK(StatusOf(guard.Check({"PUT", "/data/k", "localhost:30080", "http://evil.example", "", true})) == 403);
  CHECK(StatusOf(guard.Check({"DELETE", "/api/v1/x", "localhost:30080", "http://evil.example", "", false})) == 403);
  CHECK(StatusOf(guard.Check({"OPTIONS", "/api/v1/projects", "localhost:30080", "http://evil.example", "", false})) ==
        403);
  // Reading is left to the browser's same-origin policy: the sandbox never grants CORS.
  CHECK(!guard.Check({"GET", "/api/v1/projects", "localhost:30080", "http://evil.example", "", false}));
}

TEST_CASE("request guard: the gateway takes JSON and binary protobuf bodies only") {
  const RequestGuard guard{ServerConfig{}};
  for (const char* type :
       {"application/json", "application/json; charset=utf-8", "Application/JSON", "application/octet-stream"}) {
    CHECK_MESSAGE(!guard.Check(Post("localhost", "", type)), type);
  }
  for (const char* type : {"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                           "multipart/form-data; boundary=x", "", "application/jsonx"}) {
    auto refused = guard.Check(Post("localhost", "", type));
    REQUIRE_MESSAGE(refused, type);
    CHECK(refused->status == 415);
    CHECK(refused->body.find("application/json") != std::string::npos);
  }
  // Nothing to parse: a POST without body or type; reads; the data endpoint (flytekit's PUTs).
  CHECK(!guard.Check({"POST", "/api/v1/projects", "localhost", "", "", false}));
  CHECK(!guard.Check({"GET", "/api/v1/projects", "localhost", "", "text/plain", false}));
  CHECK(!guard.Check({"PUT", "/data/k", "localhost", "", "", true}));
  CHECK(!guard.Check({"PUT", "/data/k", "localhost", "", "application/x-www-form-urlencoded", true}));
}

TEST_CASE("request guard: refusals quote at most 200 bytes of a header") {
  const RequestGuard guard{ServerConfig{}};
  auto refused = guard.Check({"GET", "/healthz", std::string(8000, 'h'), "", "", false});
  REQUIRE(refused);
  CHECK(refused->body.size() < 600);
  CHECK(refused->body.find("…") != std::string::npos);
}

}  // namespace
}  // namespace flyte::server
