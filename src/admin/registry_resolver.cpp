#include "admin/registry_resolver.h"

#include "flyteidl/admin/launch_plan.pb.h"
#include "flyteidl/admin/task.pb.h"

namespace flyte::admin {

store::EntityKey ToKey(store::ResourceType type, const flyteidl::core::Identifier& id) {
  return {type, id.project(), id.domain(), id.name(), id.version()};
}

StatusOr<flyteidl::core::TaskTemplate> RegistryResolver::GetTask(const flyteidl::core::Identifier& id) {
  ASSIGN_OR_RETURN(store::EntityRow row, registry_.GetEntity(ToKey(store::ResourceType::kTask, id)));
  flyteidl::admin::Task task;
  if (!task.ParseFromString(row.payload)) return absl::InternalError("corrupt task record");
  return task.closure().compiled_task().template_();
}

StatusOr<engine::LaunchPlanInterface> RegistryResolver::GetLaunchPlan(const flyteidl::core::Identifier& id) {
  ASSIGN_OR_RETURN(store::EntityRow row, registry_.GetEntity(ToKey(store::ResourceType::kLaunchPlan, id)));
  flyteidl::admin::LaunchPlan plan;
  if (!plan.ParseFromString(row.payload)) return absl::InternalError("corrupt launch plan record");
  return engine::LaunchPlanInterface{plan.closure().expected_inputs(), plan.closure().expected_outputs()};
}

}  // namespace flyte::admin
