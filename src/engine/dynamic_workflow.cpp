#include "engine/dynamic_workflow.h"

namespace flyte::engine {
namespace {

using flyteidl::core::Identifier;

// Serves the tasks a DynamicJobSpec embeds, and the registered launch plans.
class SpecResolver final : public EntityResolver {
 public:
  SpecResolver(const flyteidl::core::DynamicJobSpec& spec, const LaunchPlanLookup& launch_plans)
      : spec_(spec), launch_plans_(launch_plans) {}

  StatusOr<flyteidl::core::TaskTemplate> GetTask(const Identifier& id) override {
    for (const auto& task : spec_.tasks()) {
      if (SameEntity(task.id(), id)) return task;
    }
    return absl::NotFoundError("task " + IdentifierToString(id) + " is not in the dynamic job spec");
  }

  StatusOr<LaunchPlanInterface> GetLaunchPlan(const Identifier& id) override {
    if (!launch_plans_) return absl::NotFoundError("launch plan " + IdentifierToString(id) + " is not registered");
    return launch_plans_(id);
  }

 private:
  const flyteidl::core::DynamicJobSpec& spec_;
  const LaunchPlanLookup& launch_plans_;
};

}  // namespace

StatusOr<flyteidl::core::CompiledWorkflowClosure> CompileDynamicWorkflow(
    const flyteidl::core::DynamicJobSpec& spec, const flyteidl::core::TypedInterface& interface,
    const Identifier& workflow_id, const LaunchPlanLookup& launch_plans) {
  flyteidl::core::WorkflowTemplate workflow;
  *workflow.mutable_id() = workflow_id;
  *workflow.mutable_interface() = interface;
  *workflow.mutable_nodes() = spec.nodes();
  *workflow.mutable_outputs() = spec.outputs();
  SpecResolver resolver(spec, launch_plans);
  return CompileWorkflow(workflow, spec.subworkflows(), resolver);
}

}  // namespace flyte::engine
