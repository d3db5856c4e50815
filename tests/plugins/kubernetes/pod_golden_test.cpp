// The whole Pod each task shape becomes, against a file under golden/ (FLYTE_UPDATE_GOLDEN=1
// writes the files instead: read the diff before committing it).
#include <doctest/doctest.h>
#include <google/protobuf/util/json_util.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "plugins/kubernetes/pod_fixtures.h"
#include "plugins/kubernetes/pod_spec.h"
#include "plugins/kubernetes/pod_template.h"

namespace flyte::plugins {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;
using testing::PythonAttempt;
using testing::Settings;

const std::filesystem::path kGolden = std::filesystem::path(FLYTE_SOURCE_DIR) / "tests/plugins/kubernetes/golden";

// JSON with sorted keys, two spaces of indent: a stable text to compare and to read in a diff.
void Print(const Value& value, int depth, std::ostringstream& out) {
  const std::string indent(2 * (depth + 1), ' ');
  if (value.has_struct_value()) {
    const std::map<std::string, Value> sorted(value.struct_value().fields().begin(),
                                              value.struct_value().fields().end());
    if (sorted.empty()) {
      out << "{}";
      return;
    }
    out << "{\n";
    for (auto item = sorted.begin(); item != sorted.end(); ++item) {
      out << indent << '"' << item->first << "\": ";
      Print(item->second, depth + 1, out);
      out << (std::next(item) == sorted.end() ? "\n" : ",\n");
    }
    out << std::string(2 * depth, ' ') << '}';
  } else if (value.has_list_value()) {
    const auto& items = value.list_value().values();
    if (items.empty()) {
      out << "[]";
      return;
    }
    out << "[\n";
    for (int i = 0; i < items.size(); ++i) {
      out << indent;
      Print(items[i], depth + 1, out);
      out << (i + 1 == items.size() ? "\n" : ",\n");
    }
    out << std::string(2 * depth, ' ') << ']';
  } else if (value.has_number_value() && std::floor(value.number_value()) == value.number_value()) {
    out << static_cast<int64_t>(value.number_value());
  } else {
    std::string text;
    REQUIRE(google::protobuf::util::MessageToJsonString(value, &text).ok());
    out << text;
  }
}

void CheckGolden(const StatusOr<Struct>& pod, const std::string& name) {
  REQUIRE_MESSAGE(pod.ok(), pod.status());
  Value whole;
  *whole.mutable_struct_value() = *pod;
  std::ostringstream printed;
  Print(whole, 0, printed);
  printed << '\n';
  const std::filesystem::path file = kGolden / (name + ".json");
  if (std::getenv("FLYTE_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(file) << printed.str();
    MESSAGE("wrote " << file.string());
    return;
  }
  std::ifstream in(file);
  REQUIRE_MESSAGE(in.good(), "no golden file " << file.string() << " (FLYTE_UPDATE_GOLDEN=1 writes it)");
  const std::string expected((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK_MESSAGE(printed.str() == expected, "the pod differs from " << file.string() << ":\n" << printed.str());
}

Value FromJson(const std::string& json) {
  Value value;
  REQUIRE(google::protobuf::util::JsonStringToMessage(json, &value).ok());
  return value;
}

flyteidl::core::Secret SecretOf(const std::string& group, const std::string& key,
                                flyteidl::core::Secret::MountType mount, const std::string& env_var = "") {
  flyteidl::core::Secret secret;
  secret.set_group(group);
  secret.set_key(key);
  secret.set_mount_requirement(mount);
  secret.set_env_var(env_var);
  return secret;
}

TEST_CASE("pod golden: a Python task with requests, limits and every source of environment") {
  CheckGolden(PodFor(PythonAttempt(), Settings()), "python-task");
}

TEST_CASE("pod golden: an interruptible attempt with a timeout") {
  TaskAttempt attempt = PythonAttempt();
  attempt.interruptible = true;
  attempt.task.mutable_metadata()->mutable_timeout()->set_seconds(90);
  PodSettings settings = Settings();
  *settings.interruptible_tolerations.add_values() =
      FromJson(R"({"key":"spot","operator":"Exists","effect":"NoSchedule"})");
  settings.interruptible_node_selector = {{"pool", "spot"}};
  settings.image_pull_policy = "IfNotPresent";
  CheckGolden(PodFor(attempt, settings), "interruptible");
}

TEST_CASE("pod golden: a task's own pod spec (flytekit's pod_template) with a sidecar") {
  TaskAttempt attempt = PythonAttempt();
  attempt.task.clear_container();
  (*attempt.task.mutable_config())["primary_container_name"] = "primary";
  auto& k8s = *attempt.task.mutable_k8s_pod();
  (*k8s.mutable_metadata()->mutable_labels())["team"] = "template";
  (*k8s.mutable_metadata()->mutable_annotations())["from"] = "template";
  *k8s.mutable_pod_spec() =
      FromJson(R"({"containers":[{"name":"primary","image":"img:2","args":["pyflyte-execute","--inputs","{{.input}}",)"
               R"("--output-prefix","{{.outputPrefix}}"],"resources":{"limits":{"cpu":"1","memory":"2Gi"}},)"
               R"("env":[{"name":"A","value":"a"}]},{"name":"sidecar","image":"side:1"}],)"
               R"("tolerations":[{"key":"gpu","operator":"Exists"}],"nodeSelector":{"disk":"ssd"}})")
          .struct_value();
  CheckGolden(PodFor(attempt, Settings()), "pod-template");
}

TEST_CASE("pod golden: secrets as variables and as files, two of one group in one volume") {
  TaskAttempt attempt = PythonAttempt();
  auto& secrets = *attempt.task.mutable_security_context()->mutable_secrets();
  *secrets.Add() = SecretOf("db", "password", flyteidl::core::Secret::ENV_VAR);
  *secrets.Add() = SecretOf("db", "Token", flyteidl::core::Secret::FILE, "DB_TOKEN_FILE");
  *secrets.Add() = SecretOf("db", "cert", flyteidl::core::Secret::ANY);
  *secrets.Add() = SecretOf("Api", "key", flyteidl::core::Secret::ENV_VAR, "API_KEY");
  CheckGolden(PodFor(attempt, Settings()), "secrets");
}

TEST_CASE("pod golden: a named PodTemplate beneath the pod") {
  auto pod = PodFor(PythonAttempt(), Settings());
  REQUIRE_MESSAGE(pod.ok(), pod.status());
  const Value pod_template =
      FromJson(R"({"apiVersion":"v1","kind":"PodTemplate","metadata":{"name":"base","namespace":"flyte"},)"
               R"("template":{"metadata":{"labels":{"team":"platform","cost-center":"42"},"annotations":{"a":"b"}},)"
               R"("spec":{"containers":[)"
               R"({"name":"default","image":"noop","env":[{"name":"FROM_DEFAULT","value":"1"}],)"
               R"("volumeMounts":[{"name":"cache","mountPath":"/cache"}]},)"
               R"({"name":"primary","image":"noop","resources":{"requests":{"memory":"256Mi"}},)"
               R"("securityContext":{"runAsUser":1000}},{"name":"unused","image":"noop"}],)"
               R"("volumes":[{"name":"cache","emptyDir":{}}],"tolerations":[{"key":"team","operator":"Exists"}],)"
               R"("serviceAccountName":"template-sa","priorityClassName":"low"}}})");
  REQUIRE(MergePodTemplate(pod_template.struct_value(), *pod).ok());
  CheckGolden(pod, "pod-template-name");
}

}  // namespace
}  // namespace flyte::plugins
