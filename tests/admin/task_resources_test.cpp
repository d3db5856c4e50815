// Task resources as FlyteAdmin fills them at launch: where the defaults come from, how a task's own
// requests and limits combine with them, and what registration refuses.
#include "admin/task_resources.h"

#include <doctest/doctest.h>

#include <map>
#include <string>

#include "admin/admin.h"
#include "fakes/admin_fixture.h"
#include "fakes/flyteidl_values.h"

namespace flyte::admin {
namespace {

using flyteidl::admin::TaskResourceAttributes;
using flyteidl::core::Resources;
using flyteidl::core::TaskTemplate;
using testing::Id;

using Entries = std::map<std::string, std::string>;  // "CPU" → "500m"

TaskTemplate ContainerTask(const Entries& requests, const Entries& limits) {
  TaskTemplate task;
  *task.mutable_id() = Id(flyteidl::core::TASK, "t");
  task.set_type("raw-container");
  task.mutable_container()->set_image("busybox");
  auto* resources = task.mutable_container()->mutable_resources();
  const auto add = [](const Entries& entries, auto* list) {
    for (const auto& [name, value] : entries) {
      auto* entry = list->Add();
      Resources::ResourceName parsed = Resources::UNKNOWN;
      REQUIRE(Resources::ResourceName_Parse(name, &parsed));
      entry->set_name(parsed);
      entry->set_value(value);
    }
  };
  add(requests, resources->mutable_requests());
  add(limits, resources->mutable_limits());
  return task;
}

Entries Of(const google::protobuf::RepeatedPtrField<Resources::ResourceEntry>& list) {
  Entries entries;
  for (const auto& entry : list) entries[Resources::ResourceName_Name(entry.name())] = entry.value();
  return entries;
}

TaskResourceAttributes Attributes(const std::string& cpu, const std::string& memory, const std::string& cpu_limit = "",
                                  const std::string& memory_limit = "") {
  TaskResourceAttributes attributes;
  attributes.mutable_defaults()->set_cpu(cpu);
  attributes.mutable_defaults()->set_memory(memory);
  attributes.mutable_limits()->set_cpu(cpu_limit);
  attributes.mutable_limits()->set_memory(memory_limit);
  return attributes;
}

TEST_CASE("task resources: a task that sets nothing gets the defaults as requests and limits") {
  TaskTemplate task = ContainerTask({}, {});
  SetTaskResourceDefaults(Attributes("500m", "64Mi"), &task);
  CHECK(Of(task.container().resources().requests()) == Entries{{"CPU", "500m"}, {"MEMORY", "64Mi"}});
  CHECK(Of(task.container().resources().limits()) == Entries{{"CPU", "500m"}, {"MEMORY", "64Mi"}});
  // cpu and memory always, "0" when nothing sets them; gpu and ephemeral storage only when named.
  TaskTemplate bare = ContainerTask({}, {});
  SetTaskResourceDefaults(TaskResourceAttributes(), &bare);
  CHECK(Of(bare.container().resources().requests()) == Entries{{"CPU", "0"}, {"MEMORY", "0"}});
  CHECK(Of(bare.container().resources().limits()) == Entries{{"CPU", "0"}, {"MEMORY", "0"}});
}

TEST_CASE("task resources: the task's own values win; a missing limit is the request, a missing request the limit") {
  TaskTemplate task = ContainerTask({{"MEMORY", "200Mi"}, {"GPU", "1"}}, {{"CPU", "2"}});
  SetTaskResourceDefaults(Attributes("500m", "64Mi"), &task);
  CHECK(Of(task.container().resources().requests()) == Entries{{"CPU", "2"}, {"MEMORY", "200Mi"}, {"GPU", "1"}});
  CHECK(Of(task.container().resources().limits()) == Entries{{"CPU", "2"}, {"MEMORY", "200Mi"}, {"GPU", "1"}});
  // Values are shown in Kubernetes' canonical form, as FlyteAdmin shows them.
  TaskTemplate spelled = ContainerTask({{"CPU", "0.5"}}, {{"MEMORY", "1024Mi"}});
  SetTaskResourceDefaults(TaskResourceAttributes(), &spelled);
  CHECK(Of(spelled.container().resources().requests()) == Entries{{"CPU", "500m"}, {"MEMORY", "1Gi"}});
}

TEST_CASE("task resources: the limit is at least the request; attribute limits are ceilings") {
  // A request above its limit comes down to it (the limit stands), as FlyteAdmin's ensureResourceRange does.
  TaskTemplate task = ContainerTask({{"MEMORY", "128Mi"}}, {{"MEMORY", "32Mi"}});
  SetTaskResourceDefaults(TaskResourceAttributes(), &task);
  CHECK(Of(task.container().resources().requests())["MEMORY"] == "32Mi");
  CHECK(Of(task.container().resources().limits())["MEMORY"] == "32Mi");
  // A default above the ceiling, and a task's own limit above it, are lowered to it.
  TaskTemplate capped = ContainerTask({}, {{"CPU", "4"}});
  SetTaskResourceDefaults(Attributes("1", "2Gi", "2", "1Gi"), &capped);
  CHECK(Of(capped.container().resources().requests()) == Entries{{"CPU", "2"}, {"MEMORY", "1Gi"}});
  CHECK(Of(capped.container().resources().limits()) == Entries{{"CPU", "2"}, {"MEMORY", "1Gi"}});
  // A task without a container is left alone.
  TaskTemplate plugin;
  plugin.set_type("sql");
  SetTaskResourceDefaults(Attributes("1", "1Gi"), &plugin);
  CHECK_FALSE(plugin.has_container());
}

void PutTaskResources(testing::AdminFixture& f, const std::string& domain, const std::string& workflow,
                      const std::string& memory, const std::string& memory_limit = "") {
  flyteidl::admin::MatchingAttributes attributes;
  *attributes.mutable_task_resource_attributes() = Attributes("", memory, "", memory_limit);
  const int type = flyteidl::admin::TASK_RESOURCE;
  REQUIRE(
      f.stores.registry->PutAttributes({{type, "flytesnacks", domain, workflow, ""}, attributes.SerializeAsString()})
          .ok());
}

std::string MemoryOf(const TaskResourceAttributes& attributes) { return attributes.defaults().memory(); }

TEST_CASE("task resources: the most specific attributes win whole: workflow, project-domain, project, platform") {
  testing::AdminFixture f;
  const TaskResourceAttributes platform = Attributes("1", "1Gi");
  auto resolve = [&](const std::string& workflow) {
    StatusOr<TaskResourceAttributes> resolved =
        ResolveTaskResources(*f.stores.registry, platform, "flytesnacks", "development", workflow);
    REQUIRE(resolved.ok());
    return *resolved;
  };
  CHECK(MemoryOf(resolve("wf")) == "1Gi");
  PutTaskResources(f, "", "", "100Mi");
  CHECK(MemoryOf(resolve("wf")) == "100Mi");
  CHECK(resolve("wf").defaults().cpu().empty());  // whole: the platform's cpu does not fill it in
  PutTaskResources(f, "development", "", "200Mi");
  CHECK(MemoryOf(resolve("wf")) == "200Mi");
  PutTaskResources(f, "development", "wf", "300Mi");
  CHECK(MemoryOf(resolve("wf")) == "300Mi");
  CHECK(MemoryOf(resolve("other")) == "200Mi");
  CHECK(MemoryOf(resolve("")) == "200Mi");
}

TEST_CASE("task resources: a launched execution's tasks carry them in the closure the engine keeps") {
  testing::AdminFixture f;
  flyteidl::admin::TaskCreateRequest create;
  *create.mutable_id() = Id(flyteidl::core::TASK, "t");
  *create.mutable_spec()->mutable_template_() = ContainerTask({}, {{"CPU", "2"}});
  flyteidl::admin::TaskCreateResponse created;
  REQUIRE(f.admin->entities().CreateTask(create, &created).ok());
  PutTaskResources(f, "development", "", "64Mi");

  flyteidl::admin::ExecutionCreateRequest request;
  request.set_project("flytesnacks");
  request.set_domain("development");
  request.set_name("e1");
  *request.mutable_spec()->mutable_launch_plan() = Id(flyteidl::core::TASK, "t");
  flyteidl::admin::ExecutionCreateResponse response;
  REQUIRE(f.admin->executions().CreateExecution(request, &response).ok());
  REQUIRE(f.engine.submitted.size() == 1);
  REQUIRE(f.engine.submitted[0].closure.tasks_size() == 1);
  const auto& resources = f.engine.submitted[0].closure.tasks(0).template_().container().resources();
  CHECK(Of(resources.requests()) == Entries{{"CPU", "2"}, {"MEMORY", "64Mi"}});
  CHECK(Of(resources.limits()) == Entries{{"CPU", "2"}, {"MEMORY", "64Mi"}});
}

TEST_CASE("task resources: registration refuses what FlyteAdmin refuses, naming the entry") {
  const auto refused = [](const Entries& requests, const Entries& limits) {
    const Status status = ValidateTaskResources(ContainerTask(requests, limits), {});
    CHECK(absl::IsInvalidArgument(status));
    return std::string(status.message());
  };
  CHECK(refused({{"MEMORY", "64MB"}}, {}).find("container.resources.requests MEMORY: \"64MB\" is not a quantity") !=
        std::string::npos);
  CHECK(refused({}, {{"CPU", "lots"}}).find("container.resources.limits CPU") != std::string::npos);
  CHECK(refused({{"GPU", "0.5"}}, {}).find("whole") != std::string::npos);
  CHECK(refused({{"MEMORY", "2Gi"}}, {{"MEMORY", "1Gi"}}).find("above its limit 1Gi") != std::string::npos);
  CHECK(ValidateTaskResources(ContainerTask({{"CPU", "500m"}, {"MEMORY", "129e6"}}, {{"CPU", "0.5"}}), {}).ok());
  // Compared in whole units, as FlyteAdmin compares them.
  CHECK(ValidateTaskResources(ContainerTask({{"CPU", "600m"}}, {{"CPU", "500m"}}), {}).ok());
  // The platform's ceilings.
  const TaskResourceAttributes ceilings = Attributes("", "", "2", "1Gi");
  const Status over = ValidateTaskResources(ContainerTask({}, {{"MEMORY", "2Gi"}}), ceilings.limits());
  CHECK(absl::IsInvalidArgument(over));
  CHECK(std::string(over.message()).find("the MEMORY limit 2Gi is above the platform's limit 1Gi") !=
        std::string::npos);
  CHECK(absl::IsInvalidArgument(ValidateTaskResources(ContainerTask({{"CPU", "3"}}, {}), ceilings.limits())));
  CHECK(ValidateTaskResources(ContainerTask({{"CPU", "2"}}, {{"MEMORY", "1Gi"}}), ceilings.limits()).ok());

  testing::AdminFixture f;
  flyteidl::admin::TaskCreateRequest create;
  *create.mutable_id() = Id(flyteidl::core::TASK, "t");
  *create.mutable_spec()->mutable_template_() = ContainerTask({{"MEMORY", "64MB"}}, {});
  flyteidl::admin::TaskCreateResponse created;
  CHECK(absl::IsInvalidArgument(f.admin->entities().CreateTask(create, &created)));
  // The project-domain's TASK_RESOURCE limits are the ceilings of its tasks.
  PutTaskResources(f, "development", "", "", "64Mi");
  *create.mutable_spec()->mutable_template_() = ContainerTask({}, {{"MEMORY", "128Mi"}});
  CHECK(absl::IsInvalidArgument(f.admin->entities().CreateTask(create, &created)));
  *create.mutable_spec()->mutable_template_() = ContainerTask({}, {{"MEMORY", "64Mi"}});
  CHECK(f.admin->entities().CreateTask(create, &created).ok());
}

}  // namespace
}  // namespace flyte::admin
