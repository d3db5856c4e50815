#include "plugins/container/docker_json.h"

#include <doctest/doctest.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <string>

namespace flyte::plugins {
namespace {

// Recorded from Podman 4.3.1's `podman system service` (Debian 12).
constexpr std::string_view kPodmanVersion =
    R"({"Platform":{"Name":"linux/amd64/debian-12"},"Components":[{"Name":"Podman Engine","Version":"4.3.1",)"
    R"("Details":{"APIVersion":"4.3.1","Arch":"amd64"}},{"Name":"Conmon","Version":"conmon version 2.1.6"}],)"
    R"("Version":"4.3.1","ApiVersion":"1.41","MinAPIVersion":"1.24","Os":"linux","Arch":"amd64"})";
// From Docker's API reference (GET /version).
constexpr std::string_view kDockerVersion =
    R"({"Platform":{"Name":"Docker Engine - Community"},"Components":[{"Name":"Engine","Version":"24.0.7"}],)"
    R"("Version":"24.0.7","ApiVersion":"1.43","MinAPIVersion":"1.12","Os":"linux"})";

TEST_CASE("docker json: the version names Podman or Docker") {
  auto podman = ParseVersion(kPodmanVersion);
  REQUIRE(podman.ok());
  CHECK(podman->name == "podman");
  CHECK(podman->version == "4.3.1");
  CHECK(podman->api_version == "1.41");
  auto docker = ParseVersion(kDockerVersion);
  REQUIRE(docker.ok());
  CHECK(docker->name == "docker");
  CHECK(docker->version == "24.0.7");
  CHECK_FALSE(ParseVersion("OK").ok());
  CHECK_FALSE(ParseVersion("{}").ok());
}

TEST_CASE("docker json: the create body carries image, command, environment, labels and mounts") {
  ContainerSpec spec;
  spec.image = "localhost/flyte-test:1";
  spec.entrypoint = {"/bin/sh", "-c"};
  spec.cmd = {"echo \"$A\"; exit 3"};
  spec.env = {{"A", "1=2"}, {"FLYTE_ATTEMPT_NUMBER", "0"}};
  spec.labels = {{"org.flyte.sandbox.token", "abc"}};
  spec.binds = {"/state/blobs:/state/blobs"};
  google::protobuf::Struct body;
  REQUIRE(google::protobuf::util::JsonStringToMessage(CreateBody(spec), &body).ok());
  const auto& fields = body.fields();
  CHECK(fields.at("Image").string_value() == "localhost/flyte-test:1");
  REQUIRE(fields.at("Entrypoint").list_value().values_size() == 2);
  CHECK(fields.at("Entrypoint").list_value().values(1).string_value() == "-c");
  CHECK(fields.at("Cmd").list_value().values(0).string_value() == "echo \"$A\"; exit 3");
  REQUIRE(fields.at("Env").list_value().values_size() == 2);
  CHECK(fields.at("Env").list_value().values(0).string_value() == "A=1=2");
  CHECK(fields.at("Labels").struct_value().fields().at("org.flyte.sandbox.token").string_value() == "abc");
  CHECK(fields.at("Tty").bool_value() == false);
  const auto& host = fields.at("HostConfig").struct_value().fields();
  CHECK(host.at("Binds").list_value().values(0).string_value() == "/state/blobs:/state/blobs");

  CHECK(host.count("Memory") == 0);  // no limit unless the task has one
  CHECK(host.count("NanoCpus") == 0);

  spec.entrypoint.clear();  // the image's own entry point stays
  REQUIRE(google::protobuf::util::JsonStringToMessage(CreateBody(spec), &body).ok());
  CHECK(body.fields().count("Entrypoint") == 0);
}

TEST_CASE("docker json: limits are whole numbers in HostConfig, with no swap beyond the memory limit") {
  ContainerSpec spec;
  spec.image = "i";
  spec.memory_bytes = 64 << 20;
  spec.nano_cpus = 2'500'000'000;
  const std::string body = CreateBody(spec);
  // Go's decoder takes no exponent for an int64: the numbers are written out.
  CHECK(body.find("\"Memory\":67108864") != std::string::npos);
  CHECK(body.find("\"MemorySwap\":67108864") != std::string::npos);
  CHECK(body.find("\"NanoCpus\":2500000000") != std::string::npos);
  CHECK(body.find("NetworkMode") == std::string::npos);  // the engine's default network
  spec.network_mode = "host";
  CHECK(CreateBody(spec).find("\"NetworkMode\":\"host\"") != std::string::npos);
}

TEST_CASE("docker json: created id, wait status and inspect state as Podman answers them") {
  auto id =
      ParseCreatedId(R"({"Id":"34264fafb8796253979f4a0a10adeb7494962939b0ad89845c8799e964f68218","Warnings":[]})");
  REQUIRE(id.ok());
  CHECK(*id == "34264fafb8796253979f4a0a10adeb7494962939b0ad89845c8799e964f68218");
  CHECK_FALSE(ParseCreatedId(R"({"Warnings":[]})").ok());

  auto code = ParseWaitStatusCode(R"({"StatusCode":3,"Error":null})");
  REQUIRE(code.ok());
  CHECK(*code == 3);
  CHECK_FALSE(ParseWaitStatusCode(R"({"Error":null})").ok());

  auto state = ParseInspect(
      R"({"Id":"3426","State":{"Status":"exited","Running":false,"Paused":false,"OOMKilled":true,"Dead":false,)"
      R"("Pid":0,"ExitCode":137,"Error":"","StartedAt":"2026-11-29T10:28:19.486577627Z"},"Name":"flyte-t1"})");
  REQUIRE(state.ok());
  CHECK(state->status == "exited");
  CHECK_FALSE(state->running);
  CHECK(state->oom_killed);
  CHECK(state->exit_code == 137);
}

TEST_CASE("docker json: listed containers with their labels; the label filter") {
  auto listed =
      ParseList(R"([{"Id":"3426","Names":["/flyte-t1"],"Image":"localhost/flyte-test-busybox:1","State":"exited",)"
                R"("Labels":{"org.flyte.x":"y"}},{"Id":"9f","State":"running","Labels":null}])");
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[0].id == "3426");
  CHECK((*listed)[0].state == "exited");
  CHECK((*listed)[0].labels.at("org.flyte.x") == "y");
  CHECK((*listed)[1].labels.empty());
  CHECK_FALSE(ParseList("{}").ok());
  CHECK(LabelFilter("org.flyte.sandbox.token", "abc") == R"({"label":["org.flyte.sandbox.token=abc"]})");
}

TEST_CASE("docker json: an error's message, else its body") {
  CHECK(ErrorMessage(R"({"cause":"image not known","message":"no such image: docker.io/library/nosuch:1: image )"
                     R"(not known","response":404})") == "no such image: docker.io/library/nosuch:1: image not known");
  CHECK(ErrorMessage("page not found") == "page not found");
}

}  // namespace
}  // namespace flyte::plugins
