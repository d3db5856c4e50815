#include "plugins/container/docker_client.h"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

#include "fakes/fake_http_server.h"
#include "plugins/container/engine_socket.h"

namespace flyte::plugins {
namespace {

using std::chrono_literals::operator""ms;

const char* kVersion =
    R"({"Components":[{"Name":"Podman Engine","Version":"4.3.1"}],"Version":"4.3.1","ApiVersion":"1.41"})";

TEST_CASE("docker client: each call's method, path and answer") {
  testing::FakeDockerEngine engine({
      {"GET /version", 200, kVersion},
      {"GET /v1.41/images/localhost/there%3A1/json", 200, "{}"},
      {"GET /v1.41/images/", 404, R"({"message":"no such image: nosuch:1: image not known","response":404})"},
      {"POST /v1.41/containers/create?name=flyte-abc", 201, R"({"Id":"c0ffee","Warnings":[]})"},
      {"POST /v1.41/containers/c0ffee/start", 204, ""},
      {"GET /v1.41/containers/c0ffee/logs?follow=1&stdout=1&stderr=1", 200,
       testing::LogFrame(1, "hello\n") + testing::LogFrame(2, "oops\n"), "application/octet-stream"},
      {"POST /v1.41/containers/c0ffee/wait", 200, R"({"StatusCode":3,"Error":null})"},
      {"POST /v1.41/containers/c0ffee/stop?t=2", 304, ""},
      {"DELETE /v1.41/containers/c0ffee?force=1", 204, ""},
      {"DELETE /v1.41/containers/gone?force=1", 404, R"({"message":"no such container"})"},
      {"GET /v1.41/containers/json?all=1&filters=", 200, R"([{"Id":"c0ffee","State":"running","Labels":{"a":"b"}}])"},
  });
  DockerClient client(engine.socket_path());
  auto version = client.Version(1000ms);
  REQUIRE_MESSAGE(version.ok(), version.status().ToString());
  CHECK(version->name == "podman");
  CHECK(client.InspectImage("localhost/there:1").ok());
  const Status missing = client.InspectImage("nosuch:1");
  CHECK(absl::IsNotFound(missing));
  CHECK(missing.message() == "no such image: nosuch:1: image not known");

  ContainerSpec spec;
  spec.image = "localhost/there:1";
  spec.cmd = {"true"};
  auto id = client.Create("flyte-abc", spec);
  REQUIRE(id.ok());
  CHECK(*id == "c0ffee");
  CHECK(engine.requests().back().body.find(R"("Image":"localhost/there:1")") != std::string::npos);
  CHECK(client.Start("c0ffee").ok());
  std::string out, err;
  CHECK(client
            .FollowLogs(
                "c0ffee", [&](int stream, std::string_view piece) { (stream == 2 ? err : out) += piece; }, nullptr)
            .ok());
  CHECK(out == "hello\n");
  CHECK(err == "oops\n");
  auto code = client.Wait("c0ffee", nullptr);
  REQUIRE(code.ok());
  CHECK(*code == 3);
  CHECK(client.Stop("c0ffee", std::chrono::seconds(2)).ok());  // 304: it had ended
  CHECK(client.Remove("c0ffee").ok());
  CHECK(client.Remove("gone").ok());  // removing what is not there is done
  auto listed = client.ListByLabel("a", "b");
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK(engine.calls().back() == "GET /v1.41/containers/json?all=1&filters=%7B%22label%22%3A%5B%22a%3Db%22%5D%7D");
}

TEST_CASE("docker client: no engine, a cancelled request") {
  DockerClient nowhere("/nonexistent/engine.sock");
  const Status down = nowhere.InspectImage("x");
  CHECK(absl::IsUnavailable(down));
  CHECK(std::string(down.message()).find("/nonexistent/engine.sock") != std::string::npos);

  testing::FakeDockerEngine engine({{"POST /v1.41/containers/c/wait", 200, R"({"StatusCode":0})"}});
  Cancellation cancellation;
  cancellation.Cancel();
  CHECK(absl::IsCancelled(DockerClient(engine.socket_path()).Wait("c", &cancellation).status()));
}

TEST_CASE("docker client: a followed log reaches its sink as it comes, not when the stream ends") {
  testing::FakeDockerEngine engine({{"GET /v1.41/containers/c/logs", 200, testing::LogFrame(1, "started\n"),
                                     "application/vnd.docker.raw-stream", /*held_open=*/true}});
  absl::Mutex mu;
  std::string seen;
  Cancellation cancellation;
  std::thread follower([&] {
    (void)DockerClient(engine.socket_path())
        .FollowLogs(
            "c",
            [&](int, std::string_view piece) {
              absl::MutexLock lock(&mu);
              seen.append(piece);
            },
            &cancellation);
  });
  bool arrived = false;
  for (int tries = 0; tries < 500 && !arrived; ++tries) {
    std::this_thread::sleep_for(10ms);
    absl::MutexLock lock(&mu);
    arrived = seen == "started\n";
  }
  CHECK(arrived);  // while the container (and its log) goes on
  cancellation.Cancel();
  follower.join();
}

TEST_CASE("engine socket: the config's, else DOCKER_HOST's, else the usual places") {
  auto configured = CandidateSockets({"unix:///tmp/x/podman.sock", "unix:///ignored.sock", "/run/user/0"});
  REQUIRE(configured.ok());
  CHECK(*configured == std::vector<std::string>{"/tmp/x/podman.sock"});
  auto from_env = CandidateSockets({"", "unix:///var/run/other.sock", ""});
  REQUIRE(from_env.ok());
  CHECK(*from_env == std::vector<std::string>{"/var/run/other.sock"});
  auto usual = CandidateSockets({"", "", "/run/user/1000"});
  REQUIRE(usual.ok());
  CHECK(*usual == std::vector<std::string>{"/var/run/docker.sock", "/run/user/1000/docker.sock",
                                           "/run/user/1000/podman/podman.sock", "/run/podman/podman.sock"});
  auto remote = CandidateSockets({"", "tcp://10.0.0.1:2375", ""});
  CHECK(absl::IsInvalidArgument(remote.status()));
  CHECK(std::string(remote.status().message()).find("DOCKER_HOST") != std::string::npos);
}

TEST_CASE("engine socket: the engine found says who it is; none found says where it looked") {
  testing::FakeDockerEngine engine({{"GET /version", 200, kVersion}});
  auto found = FindEngine({engine.socket_path(), "", ""}, 1000ms);
  REQUIRE_MESSAGE(found.ok(), found.status().ToString());
  CHECK(found->Describe() == "podman 4.3.1 (unix://" + engine.socket_path() + ")");
  auto none = FindEngine({"/nonexistent/podman.sock", "", ""}, 1000ms);
  CHECK(absl::IsNotFound(none.status()));
  CHECK(std::string(none.status().message()) == "no container engine found (looked at /nonexistent/podman.sock)");
}

}  // namespace
}  // namespace flyte::plugins
