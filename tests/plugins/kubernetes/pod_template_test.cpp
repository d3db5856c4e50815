#include "plugins/kubernetes/pod_template.h"

#include <doctest/doctest.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <string>

namespace flyte::plugins {
namespace {

using google::protobuf::Struct;

Struct Object(const std::string& json) {
  Struct object;
  REQUIRE(google::protobuf::util::JsonStringToMessage(json, &object).ok());
  return object;
}

// Equal as JSON objects (in any order of fields).
bool Same(const Struct& object, const std::string& expected) {
  return google::protobuf::util::MessageDifferencer::Equals(object, Object(expected));
}

const Struct& Container(const Struct& pod, const char* group, int index) {
  return pod.fields().at("spec").struct_value().fields().at(group).list_value().values(index).struct_value();
}

TEST_CASE("pod template: same-named and init containers, and the primary's resources completed after the merge") {
  Struct pod = Object(R"({"metadata":{"name":"p","annotations":{"primary_container_name":"main"}},)"
                      R"("spec":{"containers":[{"name":"main","image":"task:1"},{"name":"side","image":"side:1"}],)"
                      R"("initContainers":[{"name":"setup","image":"init:1"}]}})");
  const Struct pod_template = Object(
      R"({"template":{"spec":{"containers":[{"name":"primary","image":"noop","resources":{"limits":{"cpu":"2"}}},)"
      R"({"name":"side","image":"noop","args":["--from-template"]},{"name":"main","image":"noop","args":["x"]}],)"
      R"("initContainers":[{"name":"default-init","image":"noop","env":[{"name":"INIT","value":"1"}]},)"
      R"({"name":"primary-init","image":"noop","args":["never"]}]}}})");
  REQUIRE(MergePodTemplate(pod_template, pod).ok());
  // The primary takes "primary" only (not its same-named template); its cpu limit becomes a request too.
  CHECK(Same(Container(pod, "containers", 0),
             R"({"resources":{"limits":{"cpu":"2"},"requests":{"cpu":"2"}},"name":"main","image":"task:1"})"));
  // Another container takes the template of its name; an init container "default-init" and never
  // "primary-init" (the sandbox has no primary init container).
  CHECK(Same(Container(pod, "containers", 1), R"({"args":["--from-template"],"name":"side","image":"side:1"})"));
  CHECK(Same(Container(pod, "initContainers", 0),
             R"({"env":[{"name":"INIT","value":"1"}],"name":"setup","image":"init:1"})"));
  CHECK(pod.fields().at("spec").struct_value().fields().at("containers").list_value().values_size() == 2);
}

TEST_CASE("pod template: a quantity the merge leaves that is not one fails the pod") {
  Struct pod = Object(R"({"metadata":{"annotations":{"primary_container_name":"main"}},)"
                      R"("spec":{"containers":[{"name":"main","image":"task:1"}]}})");
  const Struct pod_template =
      Object(R"({"template":{"spec":{"containers":[{"name":"default","resources":{"requests":{"cpu":"lots"}}}]}}})");
  const Status merged = MergePodTemplate(pod_template, pod);
  CHECK(absl::IsFailedPrecondition(merged));
}

}  // namespace
}  // namespace flyte::plugins
