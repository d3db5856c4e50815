#include "admin/v2_runs.h"

#include <google/protobuf/util/time_util.h>

#include "admin/project_domain.h"
#include "admin/v2_actions.h"
#include "admin/v2_list_request.h"
#include "admin/v2_tasks.h"
#include "admin/v2_watches.h"
#include "admin/validation.h"
#include "common/digest.h"
#include "engine/v2/action_cache.h"
#include "engine/v2/layout.h"

namespace flyte::admin {
namespace {

using google::protobuf::util::TimeUtil;
namespace workflow = flyteidl2::workflow;

// Every run's root action has this name (the open-source runs service's too).
constexpr char kRootAction[] = "a0";
constexpr size_t kMaxRunName = 30;
constexpr char kDefaultAbortReason[] = "user requested abort";

// As the open-source service names runs given none: "r" and 19 random lowercase letters and digits.
std::string NewRunName() {
  constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string name = "r";
  for (unsigned char byte : RandomBytes(19)) name += kAlphabet[byte % kAlphabet.size()];
  return name;
}

// A user's run name becomes a folder and, on Kubernetes, a resource name: DNS-1035, at most 30.
Status CheckRunName(const std::string& name) {
  const auto lower_alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  bool ok = !name.empty() && name.size() <= kMaxRunName && name.front() >= 'a' && name.front() <= 'z' &&
            lower_alnum(name.back());
  for (char c : name) ok = ok && (lower_alnum(c) || c == '-');
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError("run name \"" + name +
                                    "\" must be at most 30 lowercase letters, digits and '-', starting with a "
                                    "letter and ending with a letter or digit");
}

store::ActionKey RootOf(const flyteidl2::common::RunIdentifier& run) {
  return {run.project(), run.domain(), run.name(), kRootAction};
}

// What lists and the console show of the task run.
workflow::ActionMetadata MetadataOf(const workflow::CreateRunRequest& request, const flyteidl2::task::TaskSpec& spec,
                                    const flyteidl2::task::TaskIdentifier& id) {
  workflow::ActionMetadata metadata;
  metadata.set_action_type(workflow::ACTION_TYPE_TASK);
  auto* task = metadata.mutable_task();
  *task->mutable_id() = id;
  task->set_task_type(spec.task_template().type());
  task->set_short_name(spec.short_name());
  metadata.set_environment_name(spec.environment().name());
  metadata.set_funtion_name(spec.short_name());
  metadata.set_source(request.source());
  return metadata;
}

// The task's identity from its template; the run's project and domain when it has none.
flyteidl2::task::TaskIdentifier TaskIdOf(const flyteidl2::task::TaskSpec& spec, const store::ActionKey& key) {
  const auto& template_id = spec.task_template().id();
  flyteidl2::task::TaskIdentifier id;
  id.set_org(template_id.org());
  id.set_project(template_id.project().empty() ? key.project : template_id.project());
  id.set_domain(template_id.domain().empty() ? key.domain : template_id.domain());
  id.set_name(template_id.name());
  id.set_version(template_id.version());
  return id;
}

}  // namespace

StatusOr<store::ActionRow> V2RunService::GetRun(const store::ActionKey& root) {
  StatusOr<store::ActionRow> row = deps_.runs.GetAction(root);
  if (absl::IsNotFound(row.status())) {
    return absl::NotFoundError("run " + root.project + "/" + root.domain + "/" + root.run + " not found");
  }
  return row;
}

Status V2RunService::CreateRun(const workflow::CreateRunRequest& request, workflow::CreateRunResponse* response) {
  store::ActionKey key;
  if (request.has_run_id()) {
    key = RootOf(request.run_id());
    RETURN_IF_ERROR(CheckRunName(key.run));
  } else {
    key = {request.project_id().name(), request.project_id().domain(), NewRunName(), kRootAction};
  }
  RETURN_IF_ERROR(RequireField(key.project, "project"));
  RETURN_IF_ERROR(RequireField(key.domain, "domain"));
  RETURN_IF_ERROR(CheckV2ProjectDomain(deps_.registry, deps_.config, key.project, key.domain));
  // A deployed task runs exactly as the same spec sent inline: the root action carries the spec.
  flyteidl2::task::TaskSpec task_spec;
  flyteidl2::task::TaskIdentifier task_id;
  switch (request.task_case()) {
    case workflow::CreateRunRequest::kTaskSpec:
      task_spec = request.task_spec();
      task_id = TaskIdOf(task_spec, key);
      break;
    case workflow::CreateRunRequest::kTaskId: {
      ASSIGN_OR_RETURN(flyteidl2::task::TaskDetails deployed, DeployedTask(deps_.tasks, request.task_id()));
      task_spec = std::move(*deployed.mutable_spec());
      task_id = std::move(*deployed.mutable_task_id());
      break;
    }
    default:
      return absl::UnimplementedError("only runs of a task spec or a deployed task are served (triggers are not yet)");
  }

  // The inputs: a folder holding inputs.pb in this sandbox's store, which the task will read.
  flyteidl2::common::OffloadedInputData inputs = request.offloaded_input_data();
  if (request.has_inputs()) {
    ASSIGN_OR_RETURN(inputs, data_proxy_.OffloadInputs(key.project, key.domain, request.inputs()));
  }
  RETURN_IF_ERROR(RequireField(inputs.uri(), "offloaded_input_data.uri"));
  ASSIGN_OR_RETURN(std::string inputs_folder, deps_.blobs.KeyOf(inputs.uri()));
  if (!deps_.blobs.Size(inputs_folder + "/" + engine::v2::kV2InputsFile).ok()) {
    return absl::InvalidArgumentError("no inputs.pb in " + inputs.uri() + " (upload it with UploadInputs)");
  }

  const int64_t now = deps_.clock.NowMillis();
  const std::string run_base = engine::v2::V2RunBaseKey(key.project, key.domain, key.run);
  RETURN_IF_ERROR(store::ValidateKey(run_base));
  std::string run_base_url = "s3://" + run_base;  // the S3 endpoint's buckets are the store's folders
  if (!deps_.config.pod_task_types.contains(task_spec.task_template().type())) {
    ASSIGN_OR_RETURN(run_base_url, deps_.blobs.NativeUrl(run_base));
  }
  const std::string attempt_url = engine::v2::V2AttemptUrl(run_base_url, kRootAction, 1);

  workflow::ActionSpec spec;
  auto* id = spec.mutable_action_id();
  id->mutable_run()->set_project(key.project);
  id->mutable_run()->set_domain(key.domain);
  id->mutable_run()->set_name(key.run);
  id->set_name(kRootAction);
  *spec.mutable_run_spec() = request.run_spec();
  // `a0 --run-start-time` falls back to the epoch without it.
  if (!spec.run_spec().has_run_start_time()) {
    *spec.mutable_run_spec()->mutable_run_start_time() =
        request.has_run_start_time() ? request.run_start_time() : TimeUtil::MillisecondsToTimestamp(now);
  }
  spec.set_input_uri(inputs.uri());
  spec.set_run_output_base(run_base_url + "/");
  *spec.mutable_task()->mutable_id() = task_id;
  *spec.mutable_task()->mutable_spec() = task_spec;

  store::ActionRow row;
  row.key = key;
  row.action_type = workflow::ACTION_TYPE_TASK;
  row.task_name = task_id.name();
  row.task_version = task_id.version();
  row.phase = flyteidl2::common::ACTION_PHASE_QUEUED;
  row.attempts = 1;
  row.created_at = now;
  row.updated_at = now;
  row.spec = spec.SerializeAsString();
  row.metadata = MetadataOf(request, task_spec, task_id).SerializeAsString();
  row.cache_key =
      engine::v2::RunCacheKey(task_spec, inputs.inputs_hash().empty() ? inputs.uri() : inputs.inputs_hash());
  Status created = deps_.runs.CreateAction(row, attempt_url);
  if (absl::IsAlreadyExists(created)) {
    return absl::AlreadyExistsError("run " + key.project + "/" + key.domain + "/" + key.run + " already exists");
  }
  RETURN_IF_ERROR(created);
  actions_.Queued(key);
  ASSIGN_OR_RETURN(*response->mutable_run(), RunOf(row));
  return absl::OkStatus();
}

Status V2RunService::GetRunDetails(const workflow::GetRunDetailsRequest& request,
                                   workflow::GetRunDetailsResponse* response) {
  const store::ActionKey key = RootOf(request.run_id());
  ASSIGN_OR_RETURN(store::ActionRow root, GetRun(key));
  ASSIGN_OR_RETURN(std::vector<store::AttemptRow> attempts, deps_.runs.GetAttempts(key));
  ASSIGN_OR_RETURN(*response->mutable_details(), RunDetailsOf(root, attempts));
  return absl::OkStatus();
}

Status V2RunService::GetActionDetails(const workflow::GetActionDetailsRequest& request,
                                      workflow::GetActionDetailsResponse* response) {
  const store::ActionKey key = KeyOf(request.action_id());
  ASSIGN_OR_RETURN(store::ActionRow row, deps_.runs.GetAction(key));
  ASSIGN_OR_RETURN(std::vector<store::AttemptRow> attempts, deps_.runs.GetAttempts(key));
  ASSIGN_OR_RETURN(*response->mutable_details(), ActionDetailsOf(row, attempts));
  return absl::OkStatus();
}

StatusOr<std::unique_ptr<ReplyStream<workflow::WatchActionDetailsResponse>>> V2RunService::WatchActionDetails(
    const workflow::WatchActionDetailsRequest& request, StreamWake wake) {
  const store::ActionKey key = KeyOf(request.action_id());
  RETURN_IF_ERROR(RequireField(key.run, "action_id.run.name"));
  RETURN_IF_ERROR(RequireField(key.name, "action_id.name"));
  return admin::WatchActionDetails(deps_.runs, key, std::move(wake));
}

Status V2RunService::AbortRun(const workflow::AbortRunRequest& request, workflow::AbortRunResponse*) {
  const store::ActionKey key = RootOf(request.run_id());
  RETURN_IF_ERROR(GetRun(key).status());
  return actions_.RequestAbort(
      key, request.has_reason() && !request.reason().empty() ? request.reason() : kDefaultAbortReason);
}

Status V2RunService::AbortAction(const workflow::AbortActionRequest& request, workflow::AbortActionResponse*) {
  return actions_.RequestAbort(KeyOf(request.action_id()),
                               request.reason().empty() ? kDefaultAbortReason : request.reason());
}

Status V2RunService::ListRuns(const workflow::ListRunsRequest& request, workflow::ListRunsResponse* response) {
  ASSIGN_OR_RETURN(store::ListQuery query,
                   BuildV2ListQuery(request.request(), RunColumns(), {store::Descending(store::Column::kCreatedAt)}));
  // The SDK sets both `org` and `project_id` of the one-of; the last one wins, so either comes.
  // An org alone (ignored here, FLYTE2-PROTOCOL.md §0) lists every project's runs.
  using Scope = workflow::ListRunsRequest;
  switch (request.scope_by_case()) {
    case Scope::kProjectId:
      query.where.push_back({store::Column::kProject, store::Op::kEq, {request.project_id().name()}});
      query.where.push_back({store::Column::kDomain, store::Op::kEq, {request.project_id().domain()}});
      break;
    case Scope::kTaskName:
    case Scope::kTaskId: {
      const bool by_id = request.scope_by_case() == Scope::kTaskId;
      const auto& task = request.task_id();
      const auto& name = request.task_name();
      query.where.push_back({store::Column::kProject, store::Op::kEq, {by_id ? task.project() : name.project()}});
      query.where.push_back({store::Column::kDomain, store::Op::kEq, {by_id ? task.domain() : name.domain()}});
      query.where.push_back({store::Column::kTaskName, store::Op::kEq, {by_id ? task.name() : name.name()}});
      if (by_id) query.where.push_back({store::Column::kTaskVersion, store::Op::kEq, {task.version()}});
      break;
    }
    case Scope::kTriggerName:
      return absl::UnimplementedError("triggers are not served yet");
    default:
      break;
  }
  // Paused: a condition of the run waits for its signal.
  if (request.paused_actions_only()) query.where.push_back({store::Column::kPaused, store::Op::kEq, {int64_t{1}}});
  ASSIGN_OR_RETURN(std::vector<store::ActionRow> rows, deps_.runs.ListRuns(query));
  for (const auto& row : rows) {
    ASSIGN_OR_RETURN(*response->add_runs(), RunOf(row));
  }
  response->set_token(NextPageToken(query, rows.size()));
  return absl::OkStatus();
}

Status V2RunService::ListActions(const workflow::ListActionsRequest& request, workflow::ListActionsResponse* response) {
  ASSIGN_OR_RETURN(store::ListQuery query,
                   BuildV2ListQuery(request.request(), ActionColumns(), {store::Ascending(store::Column::kCreatedAt)}));
  const store::ActionKey run = RootOf(request.run_id());
  RETURN_IF_ERROR(GetRun(run).status());
  ASSIGN_OR_RETURN(std::vector<store::ActionRow> rows, deps_.runs.ListActions(run, query));
  for (const auto& row : rows) {
    ASSIGN_OR_RETURN(*response->add_actions(), ActionOf(row));
  }
  response->set_token(NextPageToken(query, rows.size()));
  return absl::OkStatus();
}

}  // namespace flyte::admin
