#include "admin/launchable.h"

#include "admin/execution_config.h"
#include "admin/registry_resolver.h"
#include "admin/validation.h"
#include "engine/engine.h"
#include "flyteidl/admin/launch_plan.pb.h"
#include "flyteidl/admin/task.pb.h"
#include "flyteidl/admin/workflow.pb.h"

namespace flyte::admin {
namespace {

using flyteidl::core::Identifier;

// FlyteAdmin's single-task workflow: one node named after the task, bound to the workflow inputs.
flyteidl::core::WorkflowTemplate WrapTask(const flyteidl::core::TaskTemplate& task) {
  flyteidl::core::WorkflowTemplate workflow;
  *workflow.mutable_id() = task.id();
  workflow.mutable_id()->set_resource_type(flyteidl::core::WORKFLOW);
  workflow.mutable_id()->set_name(".flytegen." + task.id().name());
  *workflow.mutable_interface() = task.interface();
  std::string node_id;
  for (char c : task.id().name()) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-') node_id.push_back(c);
  }
  if (node_id.size() > 63) node_id = node_id.substr(node_id.size() - 63);
  auto* node = workflow.add_nodes();
  node->set_id(node_id);
  node->mutable_metadata()->set_name(task.id().name());
  *node->mutable_task_node()->mutable_reference_id() = task.id();
  for (const auto& [name, variable] : task.interface().inputs().variables()) {
    auto* binding = node->add_inputs();
    binding->set_var(name);
    binding->mutable_binding()->mutable_promise()->set_node_id(engine::kStartNodeId);
    binding->mutable_binding()->mutable_promise()->set_var(name);
  }
  for (const auto& [name, variable] : task.interface().outputs().variables()) {
    auto* binding = workflow.add_outputs();
    binding->set_var(name);
    binding->mutable_binding()->mutable_promise()->set_node_id(node_id);
    binding->mutable_binding()->mutable_promise()->set_var(name);
  }
  return workflow;
}

class SingleTaskResolver final : public engine::EntityResolver {
 public:
  explicit SingleTaskResolver(const flyteidl::core::TaskTemplate& task) : task_(task) {}
  StatusOr<flyteidl::core::TaskTemplate> GetTask(const Identifier&) override { return task_; }
  StatusOr<engine::LaunchPlanInterface> GetLaunchPlan(const Identifier& id) override {
    return absl::NotFoundError(DescribeId(id));
  }

 private:
  const flyteidl::core::TaskTemplate& task_;
};

// The registered entity `id` as its record, after the checks its Get handler makes.
template <typename Entity>
StatusOr<Entity> Load(store::Registry& registry, store::ResourceType type, const Identifier& id,
                      flyteidl::core::ResourceType core_type, const std::string& kind) {
  RETURN_IF_ERROR(ValidateIdentifier(id, core_type));
  ASSIGN_OR_RETURN(store::EntityRow row, registry.GetEntity(ToKey(type, id)));
  Entity entity;
  if (!entity.ParseFromString(row.payload)) return absl::InternalError("corrupt " + kind + " record " + row.key.name);
  return entity;
}

StatusOr<Launchable> ResolveTask(store::Registry& registry, const Identifier& id) {
  ASSIGN_OR_RETURN(auto task,
                   Load<flyteidl::admin::Task>(registry, store::ResourceType::kTask, id, flyteidl::core::TASK, "task"));
  const auto& task_template = task.closure().compiled_task().template_();
  SingleTaskResolver resolver(task_template);
  Launchable launchable;
  ASSIGN_OR_RETURN(launchable.closure, engine::CompileWorkflow(WrapTask(task_template), {}, resolver));
  for (const auto& [name, variable] : task_template.interface().inputs().variables()) {
    auto& parameter = (*launchable.expected_inputs.mutable_parameters())[name];
    *parameter.mutable_var() = variable;
    parameter.set_required(true);
  }
  launchable.task_name = id.name();
  return launchable;
}

StatusOr<Launchable> ResolveLaunchPlan(store::Registry& registry, const Identifier& id) {
  ASSIGN_OR_RETURN(auto plan, Load<flyteidl::admin::LaunchPlan>(registry, store::ResourceType::kLaunchPlan, id,
                                                                flyteidl::core::LAUNCH_PLAN, "launch plan"));
  ASSIGN_OR_RETURN(auto workflow,
                   Load<flyteidl::admin::Workflow>(registry, store::ResourceType::kWorkflow, plan.spec().workflow_id(),
                                                   flyteidl::core::WORKFLOW, "workflow"));
  Launchable launchable;
  launchable.closure = workflow.closure().compiled_workflow();
  launchable.expected_inputs = plan.closure().expected_inputs();
  launchable.fixed_inputs = plan.spec().fixed_inputs();
  launchable.launch_plan_name = id.name();
  launchable.settings = SettingsOf(plan.spec());
  launchable.workflow_name = plan.spec().workflow_id().name();
  return launchable;
}

}  // namespace

StatusOr<Launchable> ResolveLaunchable(store::Registry& registry, const Identifier& id) {
  RETURN_IF_ERROR(ValidateIdentifier(id, id.resource_type()));
  if (id.resource_type() == flyteidl::core::TASK) return ResolveTask(registry, id);
  Identifier plan_id = id;
  plan_id.set_resource_type(flyteidl::core::LAUNCH_PLAN);
  return ResolveLaunchPlan(registry, plan_id);
}

StatusOr<flyteidl::core::LiteralMap> MergeInputs(const Launchable& launchable,
                                                 const flyteidl::core::LiteralMap& given) {
  flyteidl::core::LiteralMap merged;
  auto& out = *merged.mutable_literals();
  const auto& expected = launchable.expected_inputs.parameters();
  for (const auto& [name, literal] : given.literals()) {
    if (launchable.fixed_inputs.literals().contains(name)) {
      return absl::InvalidArgumentError("input \"" + name + "\" is fixed by the launch plan and cannot be set");
    }
    if (!expected.contains(name)) return absl::InvalidArgumentError("unexpected input \"" + name + "\"");
    out[name] = literal;
  }
  for (const auto& [name, parameter] : expected) {
    if (out.contains(name)) continue;
    if (parameter.has_default_()) {
      out[name] = parameter.default_();
    } else if (parameter.required()) {
      return absl::InvalidArgumentError("missing required input \"" + name + "\"");
    }
  }
  for (const auto& [name, literal] : launchable.fixed_inputs.literals()) out[name] = literal;
  return merged;
}

}  // namespace flyte::admin
