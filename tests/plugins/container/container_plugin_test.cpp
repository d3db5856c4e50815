#include "plugins/container/container_plugin.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include "fakes/fake_http_server.h"
#include "fakes/temp_dir.h"

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;
using std::chrono_literals::operator""s;
using std::chrono_literals::operator""ms;

TaskAttempt RawContainerAttempt(const fs::path& dir, const std::string& image) {
  TaskAttempt attempt;
  attempt.id = "p/d/e1/n0/0";
  attempt.token = "0123456789abcdef0123456789abcdef";
  attempt.project = "p";
  attempt.domain = "d";
  attempt.execution_name = "e1";
  attempt.node_id = "n0";
  attempt.task.set_type("raw-container");
  attempt.task.mutable_id()->set_name("shell");
  auto* container = attempt.task.mutable_container();
  container->set_image(image);
  container->add_command("/bin/sh");
  container->add_command("-c");
  container->add_args("echo {{.outputPrefix}}");
  attempt.output_prefix = (dir / "blobs" / "out").string();
  attempt.env = {{"FROM_EXECUTION", "yes"}};
  attempt.log_dir = (dir / "logs" / "n0-0").string();
  return attempt;
}

ContainerConfig ConfigFor(const std::string& socket, const fs::path& dir) {
  ContainerConfig config;
  config.socket = socket;
  config.engine = "podman 4.3.1";
  config.shared_dirs = {dir / "blobs"};
  config.state_dir = dir.string();
  return config;
}

// Waits until the plugin reports the attempt over (not queued nor running).
struct Outcome {
  std::mutex mu;
  std::condition_variable changed;
  int changes = 0;

  ChangeCallback Callback() {
    return [this](const AttemptId&) {
      std::lock_guard<std::mutex> lock(mu);
      ++changes;
      changed.notify_all();
    };
  }
  AttemptStatus AwaitEnd(Plugin& plugin, const AttemptId& id) {
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      auto status = plugin.Check(id);
      REQUIRE(status.ok());
      if (status->phase != AttemptPhase::kQueued && status->phase != AttemptPhase::kRunning) return *status;
      REQUIRE(changed.wait_for(lock, 10s) == std::cv_status::no_timeout);
    }
  }
};

TEST_CASE("container spec: the task's image and command line, Flyte's environment, same-path mounts, labels") {
  testing::TempDir dir;
  const TaskAttempt attempt = RawContainerAttempt(dir.path(), "localhost/test:1");
  auto spec = ContainerSpecFor(LaunchOf(attempt), ConfigFor("/x.sock", dir.path()));
  REQUIRE(spec.ok());
  CHECK(spec->image == "localhost/test:1");
  CHECK(spec->entrypoint == std::vector<std::string>{"/bin/sh", "-c"});
  CHECK(spec->cmd == std::vector<std::string>{"echo " + attempt.output_prefix});
  CHECK(spec->env.at("FLYTE_INTERNAL_EXECUTION_ID") == "e1");
  CHECK(spec->env.at("FLYTE_INTERNAL_TASK_NAME") == "shell");
  CHECK(spec->env.at("FLYTE_ATTEMPT_TOKEN") == attempt.token);
  CHECK(spec->env.at("FROM_EXECUTION") == "yes");
  CHECK(spec->labels.at("org.flyte.sandbox.token") == attempt.token);
  CHECK(spec->labels.at("org.flyte.sandbox.execution") == "p/d/e1");
  CHECK(spec->labels.at("org.flyte.sandbox.node") == "n0");
  CHECK(spec->labels.at("org.flyte.sandbox.attempt") == "0");
  CHECK(spec->labels.at("org.flyte.sandbox.state") == dir.path().string());
  CHECK(spec->binds ==
        std::vector<std::string>{attempt.log_dir + ":" + attempt.log_dir,
                                 (dir.path() / "blobs").string() + ":" + (dir.path() / "blobs").string()});
  TaskAttempt no_image = attempt;
  no_image.task.mutable_container()->clear_image();
  CHECK_FALSE(ContainerSpecFor(LaunchOf(no_image), ConfigFor("/x.sock", dir.path())).ok());
}

TEST_CASE("container spec: a task that calls the sandbox's API joins the network leading there, and dials it there") {
  testing::TempDir dir;
  TaskAttempt attempt = RawContainerAttempt(dir.path(), "localhost/flyte2:1");
  attempt.env["_U_EP_OVERRIDE"] = "localhost:30080";
  attempt.path_prefix = "/venvs/flyte2/bin";  // this machine's folders mean nothing inside
  ContainerConfig config = ConfigFor("/x.sock", dir.path());
  config.api_network_mode = "host";
  config.api_address = "localhost:30080";
  auto plain = ContainerSpecFor(LaunchOf(attempt), config);
  REQUIRE(plain.ok());
  CHECK(plain->network_mode.empty());  // a task that does not call back keeps its own network
  CHECK_FALSE(plain->env.contains("PATH"));
  attempt.api_address_variable = "_U_EP_OVERRIDE";
  auto calling = ContainerSpecFor(LaunchOf(attempt), config);
  REQUIRE(calling.ok());
  CHECK(calling->network_mode == "host");
  CHECK(calling->env.at("_U_EP_OVERRIDE") == "localhost:30080");
  config.api_network_mode = "";  // the sandbox bound beyond loopback
  config.api_address = "host.containers.internal:30080";
  calling = ContainerSpecFor(LaunchOf(attempt), config);
  REQUIRE(calling.ok());
  CHECK(calling->network_mode.empty());
  CHECK(calling->env.at("_U_EP_OVERRIDE") == "host.containers.internal:30080");
}

TEST_CASE("container plugin: creates, starts, copies the log, reports the exit code and removes the container") {
  testing::TempDir dir;
  const std::string name = "flyte-0123456789abcdef0123456789abcdef";
  testing::FakeDockerEngine engine({
      {"GET /v1.41/images/localhost/test%3A1/json", 200, "{}"},
      {"POST /v1.41/containers/create?name=" + name, 201, R"({"Id":"c0ffee"})"},
      {"POST /v1.41/containers/c0ffee/start", 204, ""},
      {"GET /v1.41/containers/c0ffee/logs", 200, testing::LogFrame(1, "out\n") + testing::LogFrame(2, "err\n"),
       "application/octet-stream"},
      {"POST /v1.41/containers/c0ffee/wait", 200, R"({"StatusCode":3,"Error":null})"},
      {"GET /v1.41/containers/c0ffee/json", 200, R"({"State":{"Status":"exited","OOMKilled":false,"ExitCode":3}})"},
      {"DELETE /v1.41/containers/c0ffee?force=1", 204, ""},
  });
  Outcome outcome;
  const TaskAttempt attempt = RawContainerAttempt(dir.path(), "localhost/test:1");
  {
    ContainerPlugin plugin(ConfigFor(engine.socket_path(), dir.path()), outcome.Callback());
    REQUIRE(plugin.Start(attempt).ok());
    const AttemptStatus status = outcome.AwaitEnd(plugin, attempt.id);
    CHECK(status.phase == AttemptPhase::kExited);
    CHECK(status.exit_code == 3);
    REQUIRE(status.logs.size() == 1);
    CHECK(status.logs[0].name() == "Container log");
    CHECK(plugin.Finalize(attempt.id).ok());
  }  // the runner has removed the container once the plugin is gone
  CHECK(testing::ReadFile(fs::path(attempt.log_dir) / "task.log") == "out\nerr\n");
  const auto calls = engine.calls();
  REQUIRE(calls.size() == 7);
  CHECK(calls[5] == "GET /v1.41/containers/c0ffee/json");
  CHECK(calls.back() == "DELETE /v1.41/containers/c0ffee?force=1");
}

// One attempt whose container ends with `exit_code`, the engine saying `oom_killed`; `memory` its limit ("" none).
struct KilledRun {
  AttemptStatus status;
  std::string log;
  std::string create_body;
};
KilledRun RunKilled(int exit_code, bool oom_killed, const std::string& memory) {
  testing::TempDir dir;
  const std::string code = std::to_string(exit_code);
  testing::FakeDockerEngine engine({
      {"GET /v1.41/images/", 200, "{}"},
      {"POST /v1.41/containers/create", 201, R"({"Id":"c0ffee"})"},
      {"POST /v1.41/containers/c0ffee/start", 204, ""},
      {"GET /v1.41/containers/c0ffee/logs", 200, testing::LogFrame(1, "allocating\n"), "application/octet-stream"},
      {"POST /v1.41/containers/c0ffee/wait", 200, R"({"StatusCode":)" + code + "}"},
      {"GET /v1.41/containers/c0ffee/json", 200,
       R"({"State":{"Status":"exited","OOMKilled":)" + std::string(oom_killed ? "true" : "false") + R"(,"ExitCode":)" +
           code + "}}"},
      {"DELETE /v1.41/containers/c0ffee?force=1", 204, ""},
  });
  Outcome outcome;
  TaskAttempt attempt = RawContainerAttempt(dir.path(), "localhost/test:1");
  if (!memory.empty()) {
    auto* limit = attempt.task.mutable_container()->mutable_resources()->add_limits();
    limit->set_name(flyteidl::core::Resources::MEMORY);
    limit->set_value(memory);
  }
  KilledRun run;
  {
    ContainerPlugin plugin(ConfigFor(engine.socket_path(), dir.path()), outcome.Callback());
    REQUIRE(plugin.Start(attempt).ok());
    run.status = outcome.AwaitEnd(plugin, attempt.id);
    CHECK(plugin.Finalize(attempt.id).ok());
  }
  run.log = testing::ReadFile(fs::path(attempt.log_dir) / "task.log");
  const auto requests = engine.requests();
  REQUIRE(requests.size() >= 2);
  run.create_body = requests[1].body;
  return run;
}

TEST_CASE("container plugin: the task's limits go to the engine, and an OOM kill is reported as OOMKilled") {
  const KilledRun oom = RunKilled(137, true, "32Mi");
  CHECK(oom.create_body.find("\"Memory\":33554432") != std::string::npos);
  CHECK(oom.create_body.find("\"MemorySwap\":33554432") != std::string::npos);
  CHECK(oom.status.phase == AttemptPhase::kExited);
  CHECK(oom.status.exit_code == 137);
  CHECK(oom.status.oom_killed);
  CHECK(oom.status.message ==
        "[c0ffee] terminated with exit code (137). Reason [OOMKilled]: the container exceeded "
        "its memory limit of 32Mi");
  CHECK(oom.log.find("Reason [OOMKilled]") != std::string::npos);
  // Even a container that exited 0.
  CHECK(RunKilled(0, true, "32Mi").status.oom_killed);
}

TEST_CASE("container plugin: a SIGKILL under a memory limit is an OOM kill the engine did not flag") {
  const KilledRun unflagged = RunKilled(137, false, "32Mi");
  CHECK(unflagged.status.oom_killed);
  CHECK(unflagged.status.message.find("Reason [OOMKilled]") != std::string::npos);
  CHECK(unflagged.status.message.find("podman 4.3.1 did not flag it") != std::string::npos);
  // Without a memory limit, or with another exit code, it is not.
  CHECK_FALSE(RunKilled(137, false, "").status.oom_killed);
  CHECK_FALSE(RunKilled(1, false, "32Mi").status.oom_killed);
}

TEST_CASE("container plugin: an image the engine does not have fails the attempt, naming it; nothing is pulled") {
  testing::TempDir dir;
  testing::FakeDockerEngine engine({
      {"GET /v1.41/images/", 404, R"({"message":"no such image: nosuch:1: image not known","response":404})"},
  });
  Outcome outcome;
  ContainerPlugin plugin(ConfigFor(engine.socket_path(), dir.path()), outcome.Callback());
  const TaskAttempt attempt = RawContainerAttempt(dir.path(), "nosuch:1");
  REQUIRE(plugin.Start(attempt).ok());
  const AttemptStatus status = outcome.AwaitEnd(plugin, attempt.id);
  CHECK(status.phase == AttemptPhase::kFailedToStart);
  CHECK(status.message.find("\"nosuch:1\"") != std::string::npos);
  CHECK(status.message.find("never pulls") != std::string::npos);
  CHECK(testing::ReadFile(fs::path(attempt.log_dir) / "task.log").find("nosuch:1") != std::string::npos);
  CHECK(engine.calls() == std::vector<std::string>{"GET /v1.41/images/nosuch%3A1/json"});
}

TEST_CASE("container plugin: without an engine every attempt fails to start, saying so") {
  testing::TempDir dir;
  Outcome outcome;
  ContainerPlugin plugin(ConfigFor("", dir.path()), outcome.Callback());
  const TaskAttempt attempt = RawContainerAttempt(dir.path(), "localhost/test:1");
  REQUIRE(plugin.Start(attempt).ok());
  const AttemptStatus status = outcome.AwaitEnd(plugin, attempt.id);
  CHECK(status.phase == AttemptPhase::kFailedToStart);
  CHECK(status.message.find("no container engine") != std::string::npos);
}

std::string Inspected(const std::string& status, bool running, int exit_code) {
  return R"({"Id":"c0ffee","State":{"Status":")" + status + R"(","Running":)" + (running ? "true" : "false") +
         R"(,"OOMKilled":false,"ExitCode":)" + std::to_string(exit_code) + "}}";
}

TEST_CASE("container plugin: after a restart, what the attempt's container says decides its recovery") {
  testing::TempDir dir;
  const TaskAttempt attempt = RawContainerAttempt(dir.path(), "localhost/test:1");
  const std::string container = "/v1.41/containers/flyte-0123456789abcdef0123456789abcdef";
  Outcome outcome;

  SUBCASE("no container: the launch never happened") {
    testing::FakeDockerEngine engine({});
    ContainerPlugin plugin(ConfigFor(engine.socket_path(), dir.path()), outcome.Callback());
    auto recovery = plugin.Recover(attempt);
    REQUIRE(recovery.ok());
    CHECK(recovery->state == Recovery::State::kNeverStarted);
  }
  SUBCASE("created, never started: removed, so that the same launch can create it again") {
    testing::FakeDockerEngine engine({{"GET " + container + "/json", 200, Inspected("created", false, 0)},
                                      {"DELETE " + container + "?force=1", 204, ""}});
    ContainerPlugin plugin(ConfigFor(engine.socket_path(), dir.path()), outcome.Callback());
    auto recovery = plugin.Recover(attempt);
    REQUIRE(recovery.ok());
    CHECK(recovery->state == Recovery::State::kNeverStarted);
    CHECK(engine.calls().back() == "DELETE " + container + "?force=1");
  }
  SUBCASE("running: re-attached, its log followed from where the attempt's log stopped, then its exit code") {
    fs::create_directories(attempt.log_dir);
    std::ofstream(fs::path(attempt.log_dir) / "task.log") << "before\n";
    // The engine replays the container's output from its start, in pieces that do not fall on
    // what the log holds: only what comes after is appended, once.
    testing::FakeDockerEngine engine(
        {{"GET " + container + "/json", 200, Inspected("running", true, 0)},
         {"GET " + container + "/logs", 200,
          testing::LogFrame(1, "bef") + testing::LogFrame(2, "ore\naf") + testing::LogFrame(1, "ter\n"),
          "application/octet-stream"},
         {"POST " + container + "/wait", 200, R"({"StatusCode":0})"},
         {"DELETE " + container + "?force=1", 204, ""}});
    {
      ContainerPlugin plugin(ConfigFor(engine.socket_path(), dir.path()), outcome.Callback());
      auto recovery = plugin.Recover(attempt);
      REQUIRE(recovery.ok());
      CHECK(recovery->state == Recovery::State::kRunning);
      const AttemptStatus status = outcome.AwaitEnd(plugin, attempt.id);
      CHECK(status.phase == AttemptPhase::kExited);
      CHECK(status.exit_code == 0);
    }  // its runner has removed the container once the plugin is gone
    CHECK(testing::ReadFile(fs::path(attempt.log_dir) / "task.log") == "before\nafter\n");
    const auto calls = engine.calls();
    REQUIRE(calls.size() == 5);  // inspect, logs, wait, inspect (for an OOM kill), remove
    CHECK(calls[1].ends_with("/logs?follow=1&stdout=1&stderr=1"));
    CHECK(calls.back() == "DELETE " + container + "?force=1");
  }
  SUBCASE("ended while the sandbox was down: its exit code and the rest of its log, and it goes") {
    // Its first line reached the log before the sandbox died; the replay holds it again.
    fs::create_directories(attempt.log_dir);
    std::ofstream(fs::path(attempt.log_dir) / "task.log") << "quick\n";
    testing::FakeDockerEngine engine(
        {{"GET " + container + "/json", 200, Inspected("exited", false, 3)},
         {"GET " + container + "/logs", 200, testing::LogFrame(1, "quick\n") + testing::LogFrame(2, "late\n"),
          "application/octet-stream"},
         {"DELETE " + container + "?force=1", 204, ""}});
    ContainerPlugin plugin(ConfigFor(engine.socket_path(), dir.path()), outcome.Callback());
    auto recovery = plugin.Recover(attempt);
    REQUIRE(recovery.ok());
    CHECK(recovery->state == Recovery::State::kEnded);
    CHECK(recovery->status.phase == AttemptPhase::kExited);
    CHECK(recovery->status.exit_code == 3);
    CHECK(testing::ReadFile(fs::path(attempt.log_dir) / "task.log") == "quick\nlate\n");
    CHECK(engine.calls().back() == "DELETE " + container + "?force=1");
  }
}

TEST_CASE("container plugin: once recovered, this sandbox's containers that no attempt holds are removed") {
  testing::TempDir dir;
  const TaskAttempt attempt = RawContainerAttempt(dir.path(), "localhost/test:1");
  const std::string container = "/v1.41/containers/flyte-0123456789abcdef0123456789abcdef";
  const std::string listed = R"([{"Id":"held","State":"running","Labels":{"org.flyte.sandbox.token":")" +
                             attempt.token +
                             R"("}},{"Id":"orphan","State":"exited","Labels":{"org.flyte.sandbox.token":"gone"}}])";
  testing::FakeDockerEngine engine({{"GET " + container + "/json", 200, Inspected("running", true, 0)},
                                    {"GET /v1.41/containers/json", 200, listed},
                                    {"DELETE /v1.41/containers/orphan?force=1", 204, ""}});
  Outcome outcome;
  {
    ContainerPlugin plugin(ConfigFor(engine.socket_path(), dir.path()), outcome.Callback());
    REQUIRE(plugin.Recover(attempt).ok());
    plugin.Recovered();
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    const auto removed = [&] {
      const auto calls = engine.calls();
      return std::find(calls.begin(), calls.end(), "DELETE /v1.41/containers/orphan?force=1") != calls.end();
    };
    while (!removed() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
    CHECK(removed());
    const auto calls = engine.calls();
    CHECK(std::find(calls.begin(), calls.end(), "DELETE /v1.41/containers/held?force=1") == calls.end());
    CHECK(std::any_of(calls.begin(), calls.end(), [](const std::string& call) {
      return call.starts_with("GET /v1.41/containers/json?all=1&filters=");
    }));
  }
}

TEST_CASE("teardown: every container labelled with the sandbox's state folder is removed, running or not") {
  testing::FakeDockerEngine engine(
      {{"GET /v1.41/containers/json", 200,
        R"([{"Id":"a","State":"running","Labels":{}},{"Id":"b","State":"exited","Labels":{}}])"},
       {"DELETE /v1.41/containers/a?force=1", 204, ""},
       {"DELETE /v1.41/containers/b?force=1", 204, ""}});
  const StatusOr<int> removed = RemoveSandboxContainers(DockerClient(engine.socket_path()), "/state");
  REQUIRE(removed.ok());
  CHECK(*removed == 2);
  const auto calls = engine.calls();
  REQUIRE(calls.size() == 3);
  // label=org.flyte.sandbox.state=/state, all=1: stopped ones too
  CHECK(calls[0] ==
        "GET /v1.41/containers/json?all=1&filters=%7B%22label%22%3A%5B%22org.flyte.sandbox.state%3D%2Fstate%22%5D%7D");
  CHECK(calls[1] == "DELETE /v1.41/containers/a?force=1");
  CHECK(calls[2] == "DELETE /v1.41/containers/b?force=1");
}

}  // namespace
}  // namespace flyte::plugins
