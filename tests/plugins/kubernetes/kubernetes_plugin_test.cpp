#include "plugins/kubernetes/kubernetes_plugin.h"

#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "fakes/fake_http_server.h"
#include "fakes/temp_dir.h"

namespace flyte::plugins {
namespace {

using testing::FakeHttpServer;
using testing::FakeRoute;

constexpr char kToken[] = "0123456789abcdef0123456789abcdef";
constexpr char kPods[] = "/api/v1/namespaces/ns/pods";
// Events come this long after the plugin started watching: the test has started its attempt by then.
constexpr std::chrono::milliseconds kAfterStart{300};

std::string PodJson(const std::string& phase, const std::string& version, const std::string& state) {
  return R"({"metadata":{"name":"abc-n0-0","namespace":"ns","resourceVersion":")" + version +
         R"(","labels":{"flyte.org/attempt-token":")" + kToken +
         R"("},"annotations":{"primary_container_name":"abc-n0-0"}},"status":{"phase":")" + phase +
         R"(","containerStatuses":[{"name":"abc-n0-0","state":)" + state + "}]}}";
}

std::string List(const std::string& version, const std::string& items) {
  return R"({"kind":"PodList","metadata":{"resourceVersion":")" + version + R"("},"items":[)" + items + "]}";
}

TaskAttempt Attempt(const std::filesystem::path& dir) {
  TaskAttempt attempt;
  attempt.id = "p/d/abc/n0/0";
  attempt.token = kToken;
  attempt.project = "p";
  attempt.domain = "d";
  attempt.execution_name = "abc";
  attempt.node_id = "n0";
  attempt.log_dir = (dir / "logs").string();
  attempt.task.set_type("raw-container");
  attempt.task.mutable_container()->set_image("img:1");
  attempt.task.mutable_container()->add_args("true");
  return attempt;
}

std::unique_ptr<KubernetesPlugin> PluginOn(const FakeHttpServer& server, const std::filesystem::path& dir,
                                           std::function<void(const AttemptId&)> on_change = nullptr) {
  KubeConfig kubeconfig;
  kubeconfig.cluster.server = "http://127.0.0.1:" + std::to_string(server.port());
  auto http = KubeHttp::Make(kubeconfig);
  REQUIRE(http.ok());
  auto api = std::make_shared<PodApi>(std::shared_ptr<KubeHttp>(std::move(*http)), "ns");
  KubernetesConfig config;
  config.pod.namespace_ = "ns";
  config.pod.sandbox_id = "sandbox-1";
  config.state_dir = dir.string();
  return std::make_unique<KubernetesPlugin>(config, api, "", std::move(on_change));
}

AttemptStatus WaitFor(KubernetesPlugin& plugin, const AttemptId& id, AttemptPhase phase) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (;;) {
    auto status = plugin.Check(id);
    REQUIRE(status.ok());
    if (status->phase == phase || std::chrono::steady_clock::now() > deadline) return *status;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string Read(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_CASE("kubernetes plugin: a pod created once, watched from the list's version; a 410 lists again") {
  testing::TempDir dir;
  // The first list has nothing; the watch from it says the version is too old; the list made
  // again finds the pod ended; the next watch holds on.
  FakeHttpServer server(
      {
          {std::string("GET ") + kPods + "?limit=500", 200, List("10", ""), "application/json", false, true},
          {std::string("GET ") + kPods + "?limit=500", 200,
           List("20", PodJson("Succeeded", "19", R"({"terminated":{"exitCode":0,"reason":"Completed"}})"))},
          {std::string("GET ") + kPods + "?watch=1", 200,
           R"x({"type":"ERROR","object":{"kind":"Status","status":"Failure","reason":"Expired","code":410,)x"
           R"x("message":"too old resource version: 10 (15)"}})x"
           "\n",
           "application/json", false, true, kAfterStart},
          {std::string("GET ") + kPods + "?watch=1", 200, "", "application/json", true},
          {std::string("POST ") + kPods, 201, "{}"},
          {std::string("GET ") + kPods + "/abc-n0-0/log", 200, "hello from the pod\n", "text/plain"},
          {std::string("DELETE ") + kPods + "/abc-n0-0", 200, "{}"},
      },
      FakeHttpServer::Transport::kTcp);
  auto plugin = PluginOn(server, dir.path());
  const TaskAttempt attempt = Attempt(dir.path());
  REQUIRE(plugin->Start(attempt).ok());
  const AttemptStatus ended = WaitFor(*plugin, attempt.id, AttemptPhase::kExited);
  CHECK(ended.phase == AttemptPhase::kExited);
  CHECK(ended.exit_code == 0);
  CHECK_FALSE(ended.failure);
  CHECK(Read(dir.path() / "logs" / kAttemptLogFile) == "hello from the pod\n");

  std::vector<std::string> lists, watches;
  int creates = 0;
  for (const std::string& call : server.calls()) {
    if (call.rfind(std::string("GET ") + kPods + "?limit=500", 0) == 0) lists.push_back(call);
    if (call.rfind(std::string("GET ") + kPods + "?watch=1", 0) == 0) watches.push_back(call);
    creates += call == std::string("POST ") + kPods;
  }
  CHECK(creates == 1);
  REQUIRE(lists.size() == 2);  // listed again after the 410
  CHECK(lists[0].find("labelSelector=flyte.org%2Fsandbox%3Dsandbox-1") != std::string::npos);
  REQUIRE(watches.size() >= 2);
  CHECK(watches[0].find("resourceVersion=10&") != std::string::npos);  // from the first list's version
  CHECK(watches[1].find("resourceVersion=20&") != std::string::npos);  // from the second's
  CHECK(watches[0].find("allowWatchBookmarks=true") != std::string::npos);

  REQUIRE(plugin->Finalize(attempt.id).ok());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool deleted = false;
  while (!deleted && std::chrono::steady_clock::now() < deadline) {
    for (const std::string& call : server.calls())
      deleted = deleted || call == std::string("DELETE ") + kPods + "/abc-n0-0";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(deleted);  // finalized: the pod goes
}

TEST_CASE("kubernetes plugin: each watch event moves the attempt; a pod's own name from another launch is ignored") {
  testing::TempDir dir;
  const std::string running = PodJson("Running", "11", R"({"running":{}})");
  std::string stranger = PodJson("Running", "12", R"({"running":{}})");
  stranger.replace(stranger.find(kToken), 32, std::string(32, 'f'));
  const std::string failed = PodJson("Failed", "13", R"({"terminated":{"exitCode":3,"reason":"Error"}})");
  FakeHttpServer server(
      {
          {std::string("GET ") + kPods + "?limit=500", 200, List("10", "")},
          {std::string("GET ") + kPods + "?watch=1", 200,
           R"({"type":"MODIFIED","object":)" + running + "}\n" + R"({"type":"MODIFIED","object":)" + stranger + "}\n" +
               R"({"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"12"}}})" + "\n",
           "application/json", true, true, kAfterStart},
          {std::string("GET ") + kPods + "?watch=1", 200, R"({"type":"MODIFIED","object":)" + failed + "}\n",
           "application/json", true},
          {std::string("POST ") + kPods, 201, "{}"},
          {std::string("GET ") + kPods + "/abc-n0-0/log", 200, "", "text/plain"},
          {std::string("DELETE ") + kPods, 200, "{}"},
      },
      FakeHttpServer::Transport::kTcp);
  std::atomic<int> changes{0};
  auto plugin = PluginOn(server, dir.path(), [&](const AttemptId&) { ++changes; });
  const TaskAttempt attempt = Attempt(dir.path());
  REQUIRE(plugin->Start(attempt).ok());
  const AttemptStatus running_status = WaitFor(*plugin, attempt.id, AttemptPhase::kRunning);
  CHECK(running_status.phase == AttemptPhase::kRunning);
  CHECK(running_status.message.find("running as pod ns/abc-n0-0") != std::string::npos);
  CHECK(changes.load() >= 1);
  REQUIRE(plugin->Abort(attempt.id).ok());
  CHECK(plugin->Check(attempt.id)->phase == AttemptPhase::kAborted);
}

TEST_CASE("kubernetes plugin: without a cluster every attempt fails to start, saying why") {
  testing::TempDir dir;
  KubernetesConfig config;
  config.state_dir = dir.path().string();
  std::atomic<int> changes{0};
  KubernetesPlugin plugin(config, nullptr, "no kubeconfig: looked at /home/u/.kube/config",
                          [&](const AttemptId&) { ++changes; });
  const TaskAttempt attempt = Attempt(dir.path());
  REQUIRE(plugin.Start(attempt).ok());
  const AttemptStatus status = *plugin.Check(attempt.id);
  CHECK(status.phase == AttemptPhase::kFailedToStart);
  CHECK(status.message.find("no Kubernetes cluster to run it on: no kubeconfig") != std::string::npos);
  CHECK(Read(dir.path() / "logs" / kAttemptLogFile).find("cannot start the task") != std::string::npos);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (changes.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(changes.load() == 1);  // told, from the plugin's own thread
}

}  // namespace
}  // namespace flyte::plugins
