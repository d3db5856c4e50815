#include "plugins/kubernetes/pod_spec.h"

#include <doctest/doctest.h>
#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <string>

#include "fakes/temp_dir.h"
#include "plugins/kubernetes/pod_fixtures.h"

namespace flyte::plugins {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;
using testing::PythonAttempt;
using testing::Settings;

const Struct& At(const Struct& object, const std::string& key) { return object.fields().at(key).struct_value(); }

std::string Text(const Struct& object, const std::string& key) { return object.fields().at(key).string_value(); }

std::vector<std::string> Texts(const Struct& object, const std::string& key) {
  std::vector<std::string> out;
  for (const Value& item : object.fields().at(key).list_value().values()) out.push_back(item.string_value());
  return out;
}

std::map<std::string, std::string> TextMap(const Struct& object) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : object.fields()) out[key] = value.string_value();
  return out;
}

using Resources = std::map<std::string, std::map<std::string, std::string>>;
Resources ResourcesOf(const Struct& container) {
  Resources out;
  for (const auto& [key, value] : At(container, "resources").fields()) out[key] = TextMap(value.struct_value());
  return out;
}

std::map<std::string, std::string> Env(const Struct& container) {
  std::map<std::string, std::string> env;
  for (const Value& item : container.fields().at("env").list_value().values()) {
    env[Text(item.struct_value(), "name")] = Text(item.struct_value(), "value");
  }
  return env;
}

TEST_CASE("pod spec: a Python task's pod: name, labels, annotations, one container, its data as s3:// URLs") {
  auto pod = PodFor(PythonAttempt(), Settings());
  REQUIRE_MESSAGE(pod.ok(), pod.status());
  CHECK(Text(*pod, "apiVersion") == "v1");
  CHECK(Text(*pod, "kind") == "Pod");
  const Struct& metadata = At(*pod, "metadata");
  CHECK(Text(metadata, "name") == "abc-n0-0");
  CHECK(Text(metadata, "namespace") == "flyte");
  const Struct& labels = At(metadata, "labels");
  CHECK(Text(labels, "execution-id") == "abc");  // Flyte's keys hold over the execution's
  CHECK(Text(labels, "team") == "a");
  CHECK(Text(labels, "workflow-name") == "wf-my-workflow");
  CHECK(Text(labels, "task-name") == "wf-say-hello");
  CHECK(Text(labels, "node-id") == "n0");
  CHECK(Text(labels, "interruptible") == "false");
  CHECK(Text(labels, kSandboxLabel) == "sandbox-1");
  CHECK(Text(labels, kTokenLabel) == "0123456789abcdef0123456789abcdef");
  const Struct& annotations = At(metadata, "annotations");
  CHECK(Text(annotations, "primary_container_name") == "abc-n0-0");
  CHECK(Text(annotations, "cluster-autoscaler.kubernetes.io/safe-to-evict") == "false");
  CHECK(Text(annotations, "note") == "x");
  CHECK(Text(annotations, kAttemptAnnotation) == "flytesnacks/development/abc/n0/0");

  const Struct& spec = At(*pod, "spec");
  CHECK(Text(spec, "restartPolicy") == "Never");
  CHECK(Text(spec, "serviceAccountName") == "runner");
  CHECK_FALSE(spec.fields().contains("tolerations"));
  const auto& containers = spec.fields().at("containers").list_value().values();
  REQUIRE(containers.size() == 1);
  const Struct& container = containers[0].struct_value();
  CHECK(Text(container, "name") == "abc-n0-0");
  CHECK(Text(container, "image") == "img:1");
  CHECK(Text(container, "terminationMessagePolicy") == "FallbackToLogsOnError");
  CHECK(Texts(container, "args") ==
        std::vector<std::string>{"pyflyte-fast-execute", "--additional-distribution", "s3://uploads/x/code.tar.gz",
                                 "--", "pyflyte-execute", "--inputs", "s3://metadata/abc/n0/data/inputs.pb",
                                 "--output-prefix", "s3://metadata/abc/n0/data/0", "--raw-output-data-prefix",
                                 "s3://my-bucket/data/ab/abc-n0-0"});
  const auto env = Env(container);
  CHECK(env.at("FROM_TASK") == "t");  // the task's own over the platform's
  CHECK(env.at("FLYTE_AWS_ENDPOINT") == "http://10.0.0.1:30002");
  CHECK(env.at("FROM_EXECUTION") == "1");
  CHECK(env.at("FLYTE_INTERNAL_EXECUTION_ID") == "abc");
  CHECK(env.at("FLYTE_INTERNAL_EXECUTION_WORKFLOW") == "wf.My_Workflow");
  CHECK(env.at("FLYTE_ATTEMPT_TOKEN") == "0123456789abcdef0123456789abcdef");
  // A request without a limit is limited to it, a limit without a request asks for it; zero goes.
  CHECK(ResourcesOf(container) == Resources{{"limits", {{"cpu", "500m"}, {"memory", "1Gi"}}},
                                            {"requests", {{"cpu", "500m"}, {"memory", "1Gi"}}}});
}

TEST_CASE("pod spec: interruptible placement, a timeout as the active deadline") {
  TaskAttempt attempt = PythonAttempt();
  attempt.interruptible = true;
  attempt.task.mutable_metadata()->mutable_timeout()->set_seconds(90);
  PodSettings settings = Settings();
  Value toleration;
  REQUIRE(google::protobuf::util::JsonStringToMessage(R"({"key":"spot","operator":"Exists"})", &toleration).ok());
  *settings.interruptible_tolerations.add_values() = toleration;
  settings.interruptible_node_selector = {{"pool", "spot"}};
  auto pod = PodFor(attempt, settings);
  REQUIRE_MESSAGE(pod.ok(), pod.status());
  const Struct& spec = At(*pod, "spec");
  CHECK(Text(At(At(*pod, "metadata"), "labels"), "interruptible") == "true");
  CHECK(spec.fields().at("tolerations").list_value().values_size() == 1);
  CHECK(Text(At(spec, "nodeSelector"), "pool") == "spot");
  CHECK(spec.fields().at("activeDeadlineSeconds").number_value() == 90);
}

TEST_CASE("pod spec: a task's own pod spec (flytekit's pod_template) keeps its containers and gets Flyte's") {
  TaskAttempt attempt = PythonAttempt();
  const flyteidl::core::Container container = attempt.task.container();
  attempt.task.clear_container();
  (*attempt.task.mutable_config())["primary_container_name"] = "primary";
  auto& k8s = *attempt.task.mutable_k8s_pod();
  (*k8s.mutable_metadata()->mutable_labels())["team"] = "template";
  (*k8s.mutable_metadata()->mutable_labels())[kSandboxLabel] = "not-this";
  REQUIRE(google::protobuf::util::JsonStringToMessage(
              R"({"containers":[{"name":"primary","image":"img:2","args":["pyflyte-execute","--inputs","{{.input}}"],)"
              R"("resources":{"limits":{"cpu":"1"}},"env":[{"name":"A","value":"a"}]},)"
              R"({"name":"sidecar","image":"side:1"}],"tolerations":[{"key":"t"}],"restartPolicy":"OnFailure"})",
              k8s.mutable_pod_spec())
              .ok());
  auto pod = PodFor(attempt, Settings());
  REQUIRE_MESSAGE(pod.ok(), pod.status());
  const Struct& labels = At(At(*pod, "metadata"), "labels");
  CHECK(Text(labels, "team") == "a");  // the execution's over the template's
  CHECK(Text(labels, kSandboxLabel) == "sandbox-1");
  CHECK(Text(At(At(*pod, "metadata"), "annotations"), "primary_container_name") == "primary");
  const Struct& spec = At(*pod, "spec");
  CHECK(Text(spec, "restartPolicy") == "OnFailure");
  const auto& containers = spec.fields().at("containers").list_value().values();
  REQUIRE(containers.size() == 2);
  const Struct& primary = containers[0].struct_value();
  CHECK(Texts(primary, "args") ==
        std::vector<std::string>{"pyflyte-execute", "--inputs", "s3://metadata/abc/n0/data/inputs.pb"});
  CHECK(ResourcesOf(primary) == Resources{{"limits", {{"cpu", "1"}}}, {"requests", {{"cpu", "1"}}}});
  CHECK(Env(primary).at("A") == "a");
  CHECK(Env(primary).at("FLYTE_INTERNAL_EXECUTION_ID") == "abc");
  CHECK(Env(containers[1].struct_value()).at("FLYTE_INTERNAL_EXECUTION_ID") == "abc");

  (*attempt.task.mutable_config())["primary_container_name"] = "missing";
  auto missing = PodFor(attempt, Settings());
  REQUIRE_FALSE(missing.ok());
  CHECK(std::string(missing.status().message()).find("\"missing\"") != std::string::npos);
  attempt.task.mutable_config()->clear();
  CHECK(std::string(PodFor(attempt, Settings()).status().message()).find("primary_container_name") !=
        std::string::npos);
}

TEST_CASE("pod spec: a task with nothing to run, or a bad template, fails to start") {
  TaskAttempt attempt = PythonAttempt();
  attempt.task.clear_container();
  CHECK(absl::IsFailedPrecondition(PodFor(attempt, Settings()).status()));
  attempt = PythonAttempt();
  attempt.task.mutable_container()->clear_image();
  CHECK(std::string(PodFor(attempt, Settings()).status().message()).find("no image") != std::string::npos);
  attempt = PythonAttempt();
  attempt.task.mutable_container()->mutable_resources()->mutable_requests(0)->set_value("lots");
  CHECK(std::string(PodFor(attempt, Settings()).status().message()).find("\"lots\"") != std::string::npos);
  attempt = PythonAttempt();
  attempt.task.mutable_security_context()->add_secrets()->set_key("password");  // no group: no Secret to name
  const Status no_group = PodFor(attempt, Settings()).status();
  CHECK(absl::IsInvalidArgument(no_group));
  CHECK(std::string(no_group.message()) ==
        "secret \"/password\": a Kubernetes secret needs a group (the Secret's name) and a key");
}

TEST_CASE("pod spec: a raw container whose data passes as files (copilot) fails to start, saying what to do") {
  TaskAttempt attempt = PythonAttempt();
  auto& data = *attempt.task.mutable_container()->mutable_data_config();
  data.set_enabled(true);
  data.set_input_path("/var/inputs");
  data.set_output_path("/var/outputs");
  auto& interface = *attempt.task.mutable_interface();
  (*interface.mutable_inputs()->mutable_variables())["x"];
  attempt.task.mutable_container()->clear_args();
  attempt.task.mutable_container()->add_args("cat /var/inputs/x");
  const Status input_files = PodFor(attempt, Settings()).status();
  CHECK(absl::IsFailedPrecondition(input_files));
  CHECK(std::string(input_files.message()).find("inputs pass as files in /var/inputs") != std::string::npos);
  attempt.task.mutable_container()->add_args("{{.inputs.x}}");
  testing::TempDir dir;
  flyteidl::core::LiteralMap inputs;
  (*inputs.mutable_literals())["x"].mutable_scalar()->mutable_primitive()->set_integer(3);
  attempt.inputs_path = (dir.path() / "inputs.pb").string();
  {
    std::ofstream out(attempt.inputs_path, std::ios::binary);
    REQUIRE(inputs.SerializeToOstream(&out));
  }
  auto taking_x = PodFor(attempt, Settings());  // x as an argument, no output declared: no files
  REQUIRE_MESSAGE(taking_x.ok(), taking_x.status());
  (*interface.mutable_outputs()->mutable_variables())["y"];
  const Status outputs = PodFor(attempt, Settings()).status();
  CHECK(
      std::string(outputs.message()) ==
      "the task's outputs pass as files in /var/outputs (flytekit's input_data_dir/output_data_dir, Flyte's copilot), "
      "which tasks run as Kubernetes pods cannot do yet: send its task type (python-task) to the container plugin in "
      "tasks.plugins, or take inputs as {{.inputs.<name>}} arguments");
  data.set_enabled(false);
  CHECK(PodFor(attempt, Settings()).ok());
}

TEST_CASE("pod spec: store paths as the S3 endpoint's URLs; label values as propeller sanitizes them") {
  CHECK(PodUrl("/state/blobs/raw/a/b", "/state/blobs") == "s3://raw/a/b");
  CHECK(PodUrl("file:///state/blobs/raw/a", "/state/blobs/") == "s3://raw/a");
  CHECK(PodUrl("/state/blobsx/raw/a", "/state/blobs") == "/state/blobsx/raw/a");
  CHECK(PodUrl("/state/blobs", "/state/blobs") == "/state/blobs");
  CHECK(PodUrl("s3://b/k", "/state/blobs") == "s3://b/k");
  CHECK(PodUrl("/state/blobs/raw/a", "") == "/state/blobs/raw/a");
  CHECK(SanitizeLabelValue("wf.Say_Hello") == "wf-say-hello");
  CHECK(SanitizeLabelValue("--a..b--") == "a-b");
  CHECK(SanitizeLabelValue(std::string(70, 'x')) == std::string(63, 'x'));
  CHECK(SanitizeLabelValue("...") == "");
}

}  // namespace
}  // namespace flyte::plugins
