#include "plugins/kubernetes/kubernetes_plugin.h"

#include <doctest/doctest.h>
#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "fakes/fake_http_server.h"
#include "fakes/temp_dir.h"

namespace flyte::plugins {
namespace {

using testing::FakeHttpServer;
using testing::FakeRequest;
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
                                           std::function<void(const AttemptId&)> on_change = nullptr,
                                           const std::string& default_pod_template = "") {
  KubeConfig kubeconfig;
  kubeconfig.cluster.server = "http://127.0.0.1:" + std::to_string(server.port());
  auto http = KubeHttp::Make(kubeconfig);
  REQUIRE(http.ok());
  auto api = std::make_shared<PodApi>(std::shared_ptr<KubeHttp>(std::move(*http)), "ns");
  KubernetesConfig config;
  config.pod.namespace_ = "ns";
  config.pod.sandbox_id = "sandbox-1";
  config.state_dir = dir.string();
  config.default_pod_template = default_pod_template;
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
  CHECK(testing::ReadFile(dir.path() / "logs" / kAttemptLogFile) == "hello from the pod\n");

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
  CHECK(testing::ReadFile(dir.path() / "logs" / kAttemptLogFile).find("cannot start the task") != std::string::npos);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (changes.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(changes.load() == 1);  // told, from the plugin's own thread
}

// The bodies of the pods created so far, by name.
std::map<std::string, google::protobuf::Struct> CreatedPods(const FakeHttpServer& server) {
  std::map<std::string, google::protobuf::Struct> pods;
  for (const FakeRequest& request : server.requests()) {
    if (request.method != "POST" || request.target != kPods) continue;
    google::protobuf::Struct pod;
    REQUIRE(google::protobuf::util::JsonStringToMessage(request.body, &pod).ok());
    pods[pod.fields().at("metadata").struct_value().fields().at("name").string_value()] = pod;
  }
  return pods;
}

TEST_CASE("kubernetes plugin: a named PodTemplate is read and goes beneath the pod; a missing one fails the attempt") {
  testing::TempDir dir;
  const std::string templates = "/api/v1/namespaces/ns/podtemplates/";
  const std::string not_found =
      R"({"kind":"Status","status":"Failure","reason":"NotFound","code":404,"message":"not found"})";
  FakeHttpServer server(
      {
          {std::string("GET ") + kPods + "?limit=500", 200, List("10", "")},
          {std::string("GET ") + kPods + "?watch=1", 200, "", "application/json", true},
          {std::string("POST ") + kPods, 201, "{}"},
          {"GET " + templates + "base", 200,
           R"({"kind":"PodTemplate","metadata":{"name":"base"},"template":{"metadata":{"labels":{"team":"platform"}},)"
           R"("spec":{"containers":[{"name":"default","image":"noop","env":[{"name":"FROM_TEMPLATE","value":"1"}]}],)"
           R"("tolerations":[{"key":"team","operator":"Exists"}]}}})"},
          {"GET " + templates, 404, not_found},
      },
      FakeHttpServer::Transport::kTcp);
  auto plugin = PluginOn(server, dir.path(), nullptr, "base");
  const auto attempt_of = [&](const std::string& node, const std::string& pod_template) {
    TaskAttempt attempt = Attempt(dir.path() / node);
    attempt.node_id = node;
    attempt.id = "p/d/abc/" + node + "/0";
    attempt.task.mutable_metadata()->set_pod_template_name(pod_template);
    return attempt;
  };
  const TaskAttempt by_default = attempt_of("n0", ""), named = attempt_of("n1", "base"),
                    missing = attempt_of("n2", "nope");
  for (const TaskAttempt* attempt : {&by_default, &named, &missing}) REQUIRE(plugin->Start(*attempt).ok());

  const AttemptStatus failed = WaitFor(*plugin, missing.id, AttemptPhase::kFailedToStart);
  CHECK(failed.phase == AttemptPhase::kFailedToStart);
  CHECK(failed.message == "creating pod ns/abc-n2-0: PodTemplate 'nope' does not exist in namespace ns");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (CreatedPods(server).size() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto pods = CreatedPods(server);
  REQUIRE(pods.size() == 2);
  for (const char* name : {"abc-n0-0", "abc-n1-0"}) {
    CAPTURE(name);
    const auto& pod = pods.at(name).fields();
    const auto& labels = pod.at("metadata").struct_value().fields().at("labels").struct_value().fields();
    CHECK(labels.at("team").string_value() == "platform");
    CHECK(labels.at("node-id").string_value() == std::string(name).substr(4, 2));
    const auto& spec = pod.at("spec").struct_value().fields();
    CHECK(spec.at("tolerations").list_value().values_size() == 1);
    const auto& containers = spec.at("containers").list_value().values();
    REQUIRE(containers.size() == 1);  // the template's "default" is a base, not a container
    const auto& container = containers[0].struct_value().fields();
    CHECK(container.at("image").string_value() == "img:1");
    CHECK(container.at("env").list_value().values(0).struct_value().fields().at("name").string_value() ==
          "FROM_TEMPLATE");
  }
  int reads = 0;
  for (const std::string& call : server.calls()) reads += call == "GET " + templates + "base";
  CHECK(reads == 1);  // pods made close together share one read

  // A default template that is not there is no matter: the pod is made as it is.
  testing::TempDir other;
  auto without = PluginOn(server, other.path(), nullptr, "absent");
  const TaskAttempt plain = attempt_of("n3", "");
  REQUIRE(without->Start(plain).ok());
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!CreatedPods(server).contains("abc-n3-0") && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(CreatedPods(server).contains("abc-n3-0"));
  const auto created = CreatedPods(server);
  const auto& labels =
      created.at("abc-n3-0").fields().at("metadata").struct_value().fields().at("labels").struct_value();
  CHECK_FALSE(labels.fields().contains("team"));
  CHECK(without->Check(plain.id)->phase != AttemptPhase::kFailedToStart);
}

}  // namespace
}  // namespace flyte::plugins
