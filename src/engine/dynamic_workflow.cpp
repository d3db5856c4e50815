#include "engine/dynamic_workflow.h"

#include "engine/compiler.h"

namespace flyte::engine {
namespace {

using flyteidl::core::Identifier;

// Serves the tasks a DynamicJobSpec embeds.
class SpecResolver final : public EntityResolver {
 public:
  explicit SpecResolver(const flyteidl::core::DynamicJobSpec& spec) : spec_(spec) {}

  StatusOr<flyteidl::core::TaskTemplate> GetTask(const Identifier& id) override {
    for (const auto& task : spec_.tasks()) {
      if (SameEntity(task.id(), id)) return task;
    }
    return absl::NotFoundError("task " + IdentifierToString(id) + " is not in the dynamic job spec");
  }

  StatusOr<LaunchPlanInterface> GetLaunchPlan(const Identifier& id) override {
    return absl::NotFoundError("launch plan " + IdentifierToString(id) +
                               " cannot be called from a dynamic workflow in this sandbox");
  }

 private:
  const flyteidl::core::DynamicJobSpec& spec_;
};

}  // namespace

StatusOr<flyteidl::core::CompiledWorkflowClosure> CompileDynamicWorkflow(
    const flyteidl::core::DynamicJobSpec& spec, const flyteidl::core::TypedInterface& interface,
    const Identifier& workflow_id) {
  flyteidl::core::WorkflowTemplate workflow;
  *workflow.mutable_id() = workflow_id;
  *workflow.mutable_interface() = interface;
  *workflow.mutable_nodes() = spec.nodes();
  *workflow.mutable_outputs() = spec.outputs();
  SpecResolver resolver(spec);
  return CompileWorkflow(workflow, spec.subworkflows(), resolver);
}

}  // namespace flyte::engine
