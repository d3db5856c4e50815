// Launching and stopping executions (FlyteAdmin's ExecutionManager): resolve what to run (a
// launch plan's workflow, or a single task wrapped in a one-node workflow), merge and check the
// inputs, store them with the compiled workflow, record the execution and hand it to the engine.
#include <google/protobuf/util/time_util.h>

#include "admin/admin.h"
#include "admin/registry_resolver.h"
#include "admin/validation.h"
#include "common/digest.h"
#include "engine/data_layout.h"
#include "engine/engine.h"

namespace flyte::admin {
namespace {

using flyteidl::core::Identifier;
using google::protobuf::util::TimeUtil;

// FlyteAdmin's default limit on nodes running at once in one execution.
constexpr int kDefaultMaxParallelism = 25;

// FlyteAdmin's generated names: "a" + 19 characters of Kubernetes' rand.String alphabet.
std::string GenerateName() {
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string bytes = RandomBytes(19);
  std::string name = "a";
  for (unsigned char c : bytes) name.push_back(kAlphabet[c % (sizeof(kAlphabet) - 1)]);
  return name;
}

// What CreateExecution resolved: the workflow to run and the inputs it declares.
struct Launchable {
  flyteidl::core::CompiledWorkflowClosure closure;
  flyteidl::core::ParameterMap expected_inputs;
  flyteidl::core::LiteralMap fixed_inputs;
  std::string launch_plan_name, workflow_name, task_name;
  int max_parallelism = 0;  // the launch plan's; 0 = not set
};

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

// Defaults, then fixed inputs, then the caller's; every required input must end up set.
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

// What an execution of `id` (a launch plan, or a task) runs, with the inputs it declares.
StatusOr<Launchable> ResolveLaunchable(Admin& admin, const Identifier& id) {
  RETURN_IF_ERROR(ValidateIdentifier(id, id.resource_type()));
  Launchable launchable;
  if (id.resource_type() == flyteidl::core::TASK) {
    flyteidl::admin::ObjectGetRequest get;
    *get.mutable_id() = id;
    flyteidl::admin::Task task;
    RETURN_IF_ERROR(admin.GetTask(get, &task));
    const auto& task_template = task.closure().compiled_task().template_();
    SingleTaskResolver resolver(task_template);
    ASSIGN_OR_RETURN(launchable.closure, engine::CompileWorkflow(WrapTask(task_template), {}, resolver));
    for (const auto& [name, variable] : task_template.interface().inputs().variables()) {
      auto& parameter = (*launchable.expected_inputs.mutable_parameters())[name];
      *parameter.mutable_var() = variable;
      parameter.set_required(true);
    }
    launchable.task_name = id.name();
    return launchable;
  }
  flyteidl::admin::ObjectGetRequest get;
  *get.mutable_id() = id;
  get.mutable_id()->set_resource_type(flyteidl::core::LAUNCH_PLAN);
  flyteidl::admin::LaunchPlan plan;
  RETURN_IF_ERROR(admin.GetLaunchPlan(get, &plan));
  *get.mutable_id() = plan.spec().workflow_id();
  flyteidl::admin::Workflow workflow;
  RETURN_IF_ERROR(admin.GetWorkflow(get, &workflow));
  launchable.closure = workflow.closure().compiled_workflow();
  launchable.expected_inputs = plan.closure().expected_inputs();
  launchable.fixed_inputs = plan.spec().fixed_inputs();
  launchable.launch_plan_name = id.name();
  launchable.max_parallelism = plan.spec().max_parallelism();
  launchable.workflow_name = plan.spec().workflow_id().name();
  return launchable;
}

}  // namespace

StatusOr<engine::LaunchPlanInterface> Admin::LaunchPlanInterfaceOf(const flyteidl::core::Identifier& id) {
  return RegistryResolver(deps_.registry).GetLaunchPlan(id);
}

Status Admin::LaunchChild(const engine::ChildLaunch& launch) {
  flyteidl::admin::ExecutionCreateRequest create;
  create.set_project(launch.key.project);
  create.set_domain(launch.key.domain);
  create.set_name(launch.key.name);
  *create.mutable_spec()->mutable_launch_plan() = launch.launch_plan;
  auto* metadata = create.mutable_spec()->mutable_metadata();
  metadata->set_mode(flyteidl::admin::ExecutionMetadata::CHILD_WORKFLOW);
  *metadata->mutable_parent_node_execution() = launch.parent;
  metadata->set_nesting(launch.nesting);
  metadata->set_principal(launch.principal);
  *create.mutable_inputs() = launch.inputs;
  flyteidl::admin::ExecutionCreateResponse response;
  return CreateExecution(create, &response);
}

Status Admin::CreateExecution(const flyteidl::admin::ExecutionCreateRequest& request,
                              flyteidl::admin::ExecutionCreateResponse* response) {
  RETURN_IF_ERROR(RequireField(request.project(), "project"));
  RETURN_IF_ERROR(RequireField(request.domain(), "domain"));
  RETURN_IF_ERROR(CheckProjectDomain(request.project(), request.domain()));
  if (!request.spec().has_launch_plan()) return absl::InvalidArgumentError("missing spec.launch_plan");
  ASSIGN_OR_RETURN(Launchable launchable, ResolveLaunchable(*this, request.spec().launch_plan()));
  // Inputs come at the request level from flytekit; older clients put them in the spec.
  const auto& given = request.has_inputs() ? request.inputs() : request.spec().inputs();
  ASSIGN_OR_RETURN(flyteidl::core::LiteralMap inputs, MergeInputs(launchable, given));

  const store::ExecutionKey key{request.project(), request.domain(),
                                request.name().empty() ? GenerateName() : request.name()};
  RETURN_IF_ERROR(RequireField(key.name, "name"));
  const int64_t now = deps_.clock.NowMillis();
  flyteidl::admin::Execution execution;
  auto* id = execution.mutable_id();
  id->set_project(key.project);
  id->set_domain(key.domain);
  id->set_name(key.name);
  *execution.mutable_spec() = request.spec();
  execution.mutable_spec()->clear_inputs();
  // The execution's own limit, else its launch plan's, else FlyteAdmin's default.
  if (execution.spec().max_parallelism() == 0) {
    execution.mutable_spec()->set_max_parallelism(launchable.max_parallelism > 0 ? launchable.max_parallelism
                                                                                 : kDefaultMaxParallelism);
  }
  auto* closure = execution.mutable_closure();
  closure->set_phase(flyteidl::core::WorkflowExecution::QUEUED);
  *closure->mutable_created_at() = TimeUtil::MillisecondsToTimestamp(now);
  *closure->mutable_updated_at() = TimeUtil::MillisecondsToTimestamp(now);
  *closure->mutable_workflow_id() = launchable.closure.primary().template_().id();

  store::ExecutionRow row;
  row.key = key;
  row.phase = flyteidl::core::WorkflowExecution::QUEUED;
  row.launch_plan = launchable.launch_plan_name;
  row.workflow = launchable.workflow_name;
  row.task = launchable.task_name;
  row.mode = request.spec().metadata().mode();
  row.created_at = row.updated_at = now;
  row.payload = execution.SerializeAsString();
  // Data first: the engine may start the moment the row exists (also after a crash).
  RETURN_IF_ERROR(deps_.blobs.Put(engine::ExecutionInputsKey(key), inputs.SerializeAsString()));
  RETURN_IF_ERROR(deps_.blobs.Put(engine::ExecutionClosureKey(key), launchable.closure.SerializeAsString()));
  RETURN_IF_ERROR(deps_.executions.CreateExecution(row));
  deps_.engine.Submit(key);
  *response->mutable_id() = execution.id();
  return absl::OkStatus();
}

Status Admin::TerminateExecution(const flyteidl::admin::ExecutionTerminateRequest& request,
                                 flyteidl::admin::ExecutionTerminateResponse*) {
  const auto& id = request.id();
  RETURN_IF_ERROR(RequireField(id.project(), "project"));
  RETURN_IF_ERROR(RequireField(id.domain(), "domain"));
  RETURN_IF_ERROR(RequireField(id.name(), "name"));
  ASSIGN_OR_RETURN(store::ExecutionRow row, deps_.executions.GetExecution(ExecutionKeyOf(id)));
  if (row.terminal) {
    return absl::FailedPreconditionError("execution " + id.name() + " has already finished; it cannot be terminated");
  }
  deps_.engine.Terminate(row.key, request.cause().empty() ? "terminated by the user" : request.cause());
  return absl::OkStatus();
}

Status Admin::RelaunchExecution(const flyteidl::admin::ExecutionRelaunchRequest& request,
                                flyteidl::admin::ExecutionCreateResponse* response) {
  ASSIGN_OR_RETURN(flyteidl::admin::ExecutionCreateRequest create,
                   LaunchAgain(request.id(), request.name(), flyteidl::admin::ExecutionMetadata::RELAUNCH));
  create.mutable_spec()->set_overwrite_cache(request.overwrite_cache());
  return CreateExecution(create, response);
}

// flyteadmin's RecoverExecution: the engine reuses the outputs of the nodes that succeeded in the
// reference execution and runs the rest.
Status Admin::RecoverExecution(const flyteidl::admin::ExecutionRecoverRequest& request,
                               flyteidl::admin::ExecutionCreateResponse* response) {
  ASSIGN_OR_RETURN(flyteidl::admin::ExecutionCreateRequest create,
                   LaunchAgain(request.id(), request.name(), flyteidl::admin::ExecutionMetadata::RECOVERED));
  // The caller's metadata overrides the reference execution's, except what makes this a recovery.
  auto* metadata = create.mutable_spec()->mutable_metadata();
  metadata->MergeFrom(request.metadata());
  metadata->set_mode(flyteidl::admin::ExecutionMetadata::RECOVERED);
  *metadata->mutable_reference_execution() = request.id();
  return CreateExecution(create, response);
}

StatusOr<flyteidl::admin::ExecutionCreateRequest> Admin::LaunchAgain(
    const flyteidl::core::WorkflowExecutionIdentifier& id, const std::string& name,
    flyteidl::admin::ExecutionMetadata::ExecutionMode mode) {
  RETURN_IF_ERROR(RequireField(id.name(), "name"));
  ASSIGN_OR_RETURN(store::ExecutionRow row, deps_.executions.GetExecution(ExecutionKeyOf(id)));
  flyteidl::admin::Execution original;
  if (!original.ParseFromString(row.payload)) return absl::InternalError("corrupt execution record " + id.name());
  ASSIGN_OR_RETURN(std::string inputs, deps_.blobs.Get(engine::ExecutionInputsKey(row.key)));
  flyteidl::admin::ExecutionCreateRequest create;
  create.set_project(id.project());
  create.set_domain(id.domain());
  create.set_name(name);
  *create.mutable_spec() = original.spec();
  create.mutable_spec()->mutable_metadata()->set_mode(mode);
  *create.mutable_spec()->mutable_metadata()->mutable_reference_execution() = id;
  if (!create.mutable_inputs()->ParseFromString(inputs)) return absl::InternalError("corrupt inputs of " + id.name());
  // The merged inputs include fixed ones, which a new launch must not set again.
  ASSIGN_OR_RETURN(Launchable launchable, ResolveLaunchable(*this, original.spec().launch_plan()));
  for (const auto& [fixed, literal] : launchable.fixed_inputs.literals())
    create.mutable_inputs()->mutable_literals()->erase(fixed);
  return create;
}

}  // namespace flyte::admin
