// Launching and stopping executions (FlyteAdmin's ExecutionManager): resolve what to run (a
// launch plan's workflow, or a single task wrapped in a one-node workflow), merge and check the
// inputs, make the execution's record and hand it with its inputs and compiled workflow to the
// engine, which stores them where it keeps them.
#include <google/protobuf/util/time_util.h>

#include "admin/execution_config.h"
#include "admin/execution_service.h"
#include "admin/launchable.h"
#include "admin/project_domain.h"
#include "admin/task_resources.h"
#include "admin/validation.h"
#include "common/digest.h"
#include "common/log.h"
#include "engine/engine.h"

namespace flyte::admin {
namespace {

using google::protobuf::util::TimeUtil;

// FlyteAdmin's generated names: "a" + 19 characters of Kubernetes' rand.String alphabet.
std::string GenerateName() {
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string bytes = RandomBytes(19);
  std::string name = "a";
  for (unsigned char c : bytes) name.push_back(kAlphabet[c % (sizeof(kAlphabet) - 1)]);
  return name;
}

// flyteadmin's execution_tags, which lists filter on: each tag (value "") and each label.
std::vector<std::pair<std::string, std::string>> TagsOf(const flyteidl::admin::ExecutionSpec& spec) {
  std::vector<std::pair<std::string, std::string>> tags;
  // flyteidl marks ExecutionSpec.tags deprecated, yet flytekit still sets it (pyflyte run --tags).
  for (const std::string& tag : spec.tags()) tags.emplace_back(tag, "");
  for (const auto& [key, value] : spec.labels().values()) tags.emplace_back(key, value);
  return tags;
}

}  // namespace

StatusOr<flyteidl::core::WorkflowExecutionIdentifier> ExecutionService::Launch(const LaunchRequest& request) {
  RETURN_IF_ERROR(RequireField(request.key.project, "project"));
  RETURN_IF_ERROR(RequireField(request.key.domain, "domain"));
  // An empty name asks for a generated one.
  if (!request.key.name.empty()) RETURN_IF_ERROR(ValidateExecutionName(request.key.name));
  RETURN_IF_ERROR(CheckProjectDomain(deps_.registry, deps_.config, request.key.project, request.key.domain));
  if (!request.spec.has_launch_plan()) return absl::InvalidArgumentError("missing spec.launch_plan");
  ASSIGN_OR_RETURN(Launchable launchable, ResolveLaunchable(deps_.registry, request.spec.launch_plan()));
  ASSIGN_OR_RETURN(flyteidl::core::LiteralMap inputs, MergeInputs(launchable, request.inputs));
  ASSIGN_OR_RETURN(const flyteidl::admin::TaskResourceAttributes task_resources,
                   ResolveTaskResources(deps_.registry, deps_.config.task_resources, request.key.project,
                                        request.key.domain, launchable.workflow_name));
  for (auto& task : *launchable.closure.mutable_tasks()) {
    SetTaskResourceDefaults(task_resources, task.mutable_template_());
  }

  store::ExecutionKey key = request.key;
  if (key.name.empty()) key.name = GenerateName();
  const int64_t now = deps_.clock.NowMillis();
  flyteidl::admin::Execution execution;
  auto* id = execution.mutable_id();
  id->set_project(key.project);
  id->set_domain(key.domain);
  id->set_name(key.name);
  *execution.mutable_spec() = request.spec;
  execution.mutable_spec()->clear_inputs();
  ASSIGN_OR_RETURN(flyteidl::admin::WorkflowExecutionConfig settings,
                   ResolveExecutionConfig(deps_.registry, request.spec, launchable, key.project, key.domain));
  ApplyExecutionConfig(settings, execution.mutable_spec());
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
  row.mode = request.spec.metadata().mode();
  row.created_at = row.updated_at = now;
  row.payload = execution.SerializeAsString();
  row.tags = TagsOf(execution.spec());
  const std::string launch_plan = row.launch_plan;
  RETURN_IF_ERROR(deps_.engine.Submit({std::move(row), std::move(inputs), std::move(launchable.closure)}));
  log::Info("admin", "execution launched",
            {{"execution", key.project + "/" + key.domain + "/" + key.name},
             {"launch_plan", launch_plan},
             {"mode", flyteidl::admin::ExecutionMetadata::ExecutionMode_Name(request.spec.metadata().mode())}});
  return execution.id();
}

Status ExecutionService::LaunchChild(const engine::ChildLaunch& launch) {
  LaunchRequest request;
  request.key = launch.key;
  *request.spec.mutable_launch_plan() = launch.launch_plan;
  auto* metadata = request.spec.mutable_metadata();
  metadata->set_mode(flyteidl::admin::ExecutionMetadata::CHILD_WORKFLOW);
  *metadata->mutable_parent_node_execution() = launch.parent;
  metadata->set_nesting(launch.nesting);
  metadata->set_principal(launch.principal);
  request.inputs = launch.inputs;
  return Launch(request).status();
}

Status ExecutionService::CreateExecution(const flyteidl::admin::ExecutionCreateRequest& request,
                                         flyteidl::admin::ExecutionCreateResponse* response) {
  LaunchRequest launch;
  launch.key = {request.project(), request.domain(), request.name()};
  launch.spec = request.spec();
  // Inputs come at the request level from flytekit; older clients put them in the spec.
  launch.inputs = request.has_inputs() ? request.inputs() : request.spec().inputs();
  ASSIGN_OR_RETURN(*response->mutable_id(), Launch(launch));
  return absl::OkStatus();
}

Status ExecutionService::TerminateExecution(const flyteidl::admin::ExecutionTerminateRequest& request,
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

Status ExecutionService::RelaunchExecution(const flyteidl::admin::ExecutionRelaunchRequest& request,
                                           flyteidl::admin::ExecutionCreateResponse* response) {
  ASSIGN_OR_RETURN(LaunchRequest launch,
                   LaunchAgain(request.id(), request.name(), flyteidl::admin::ExecutionMetadata::RELAUNCH));
  launch.spec.set_overwrite_cache(request.overwrite_cache());
  ASSIGN_OR_RETURN(*response->mutable_id(), Launch(launch));
  return absl::OkStatus();
}

// flyteadmin's RecoverExecution: the engine reuses the outputs of the nodes that succeeded in the
// reference execution and runs the rest.
Status ExecutionService::RecoverExecution(const flyteidl::admin::ExecutionRecoverRequest& request,
                                          flyteidl::admin::ExecutionCreateResponse* response) {
  ASSIGN_OR_RETURN(LaunchRequest launch,
                   LaunchAgain(request.id(), request.name(), flyteidl::admin::ExecutionMetadata::RECOVERED));
  // The caller's metadata overrides the reference execution's, except what makes this a recovery.
  auto* metadata = launch.spec.mutable_metadata();
  metadata->MergeFrom(request.metadata());
  metadata->set_mode(flyteidl::admin::ExecutionMetadata::RECOVERED);
  *metadata->mutable_reference_execution() = request.id();
  ASSIGN_OR_RETURN(*response->mutable_id(), Launch(launch));
  return absl::OkStatus();
}

StatusOr<LaunchRequest> ExecutionService::LaunchAgain(const flyteidl::core::WorkflowExecutionIdentifier& id,
                                                      const std::string& name,
                                                      flyteidl::admin::ExecutionMetadata::ExecutionMode mode) {
  RETURN_IF_ERROR(RequireField(id.name(), "name"));
  ASSIGN_OR_RETURN(store::ExecutionRow row, deps_.executions.GetExecution(ExecutionKeyOf(id)));
  flyteidl::admin::Execution original;
  if (!original.ParseFromString(row.payload)) return absl::InternalError("corrupt execution record " + id.name());
  ASSIGN_OR_RETURN(std::string inputs_url, engine::ExecutionInputsUrl(deps_.blobs, row.key));
  ASSIGN_OR_RETURN(std::string inputs_key, deps_.blobs.KeyOf(inputs_url));
  ASSIGN_OR_RETURN(std::string inputs, deps_.blobs.Get(inputs_key));
  LaunchRequest launch;
  launch.key = {id.project(), id.domain(), name};
  launch.spec = original.spec();
  launch.spec.mutable_metadata()->set_mode(mode);
  *launch.spec.mutable_metadata()->mutable_reference_execution() = id;
  if (!launch.inputs.ParseFromString(inputs)) return absl::InternalError("corrupt inputs of " + id.name());
  // The merged inputs include fixed ones, which a new launch must not set again.
  ASSIGN_OR_RETURN(Launchable launchable, ResolveLaunchable(deps_.registry, original.spec().launch_plan()));
  for (const auto& [fixed, literal] : launchable.fixed_inputs.literals())
    launch.inputs.mutable_literals()->erase(fixed);
  return launch;
}

}  // namespace flyte::admin
