#include "admin/v2_actions_service.h"

#include <google/protobuf/util/time_util.h>

#include "admin/v2_actions.h"
#include "admin/v2_conditions.h"
#include "admin/v2_watches.h"
#include "admin/validation.h"
#include "engine/v2/layout.h"

namespace flyte::admin {
namespace {

using google::protobuf::util::TimeUtil;
namespace workflow = flyteidl2::workflow;

constexpr char kRootAction[] = "a0";

// What lists and the console show of the child.
workflow::ActionMetadata ChildMetadata(const flyteidl2::actions::Action& action, workflow::ActionType type) {
  workflow::ActionMetadata metadata;
  metadata.set_parent(action.parent_action_name());
  metadata.set_group(action.group());
  metadata.set_action_type(type);
  if (action.has_task()) {
    auto* task = metadata.mutable_task();
    *task->mutable_id() = action.task().id();
    task->set_task_type(action.task().spec().task_template().type());
    task->set_short_name(action.task().spec().short_name());
    metadata.set_environment_name(action.task().spec().environment().name());
    metadata.set_funtion_name(action.task().spec().short_name());
  } else if (action.has_trace()) {
    metadata.mutable_trace()->set_name(action.trace().name());
    metadata.set_funtion_name(action.trace().name());
  } else if (action.has_condition()) {
    ConditionMetadataOf(action.condition(), &metadata);
  }
  return metadata;
}

workflow::ActionType TypeOf(const flyteidl2::actions::Action& action) {
  if (action.has_trace()) return workflow::ACTION_TYPE_TRACE;
  if (action.has_condition()) return workflow::ACTION_TYPE_CONDITION;
  return workflow::ACTION_TYPE_TASK;
}

// A trace's outputs.pb lives in what the attempt calls its output folder.
std::string FolderOf(const std::string& outputs_uri) {
  const std::string file = std::string("/") + engine::v2::kV2OutputsFile;
  return outputs_uri.ends_with(file) ? outputs_uri.substr(0, outputs_uri.size() - file.size()) : outputs_uri;
}

}  // namespace

Status V2ActionsService::Enqueue(const flyteidl2::actions::EnqueueRequest& request,
                                 flyteidl2::actions::EnqueueResponse*) {
  const flyteidl2::actions::Action& action = request.action();
  const store::ActionKey key = KeyOf(action.action_id());
  RETURN_IF_ERROR(RequireField(key.project, "action.action_id.run.project"));
  RETURN_IF_ERROR(RequireField(key.domain, "action.action_id.run.domain"));
  RETURN_IF_ERROR(RequireField(key.run, "action.action_id.run.name"));
  RETURN_IF_ERROR(RequireField(key.name, "action.action_id.name"));
  RETURN_IF_ERROR(RequireField(action.parent_action_name(), "action.parent_action_name"));
  if (!action.has_task() && !action.has_trace() && !action.has_condition()) {
    return absl::InvalidArgumentError("action " + key.name + " is neither a task, a trace nor a condition");
  }
  const store::ActionKey root{key.project, key.domain, key.run, kRootAction};
  StatusOr<store::ActionRow> run = deps_.runs.GetAction(root);
  if (absl::IsNotFound(run.status())) {
    return absl::NotFoundError("run " + key.project + "/" + key.domain + "/" + key.run + " not found");
  }
  RETURN_IF_ERROR(run.status());
  // The SDK takes ABORTED as its run being aborted, and stops launching.
  if (run->terminal || !run->abort_reason.empty()) {
    return absl::AbortedError("run " + key.run + (run->terminal ? " has ended" : " is being aborted"));
  }
  if (action.parent_action_name() != kRootAction) {
    const store::ActionKey parent{key.project, key.domain, key.run, action.parent_action_name()};
    StatusOr<store::ActionRow> found = deps_.runs.GetAction(parent);
    if (absl::IsNotFound(found.status())) {
      return absl::NotFoundError("parent action " + parent.name + " of run " + key.run + " not found");
    }
    RETURN_IF_ERROR(found.status());
  }

  const int64_t now = deps_.clock.NowMillis();
  workflow::ActionSpec spec;
  *spec.mutable_action_id() = action.action_id();
  spec.set_parent_action_name(action.parent_action_name());
  spec.set_input_uri(action.input_uri());
  // The run's base as the parent passes it on (a folder of the store, or its s3:// URL for a run of
  // pods); one that is not in the store is replaced with the run's own folder.
  std::string_view passed = action.run_output_base();
  while (passed.ends_with('/')) passed.remove_suffix(1);
  if (!passed.empty() && deps_.blobs.KeyOf(passed).ok()) {
    spec.set_run_output_base(std::string(passed) + "/");
  } else {
    ASSIGN_OR_RETURN(std::string run_base,
                     deps_.blobs.NativeUrl(engine::v2::V2RunBaseKey(key.project, key.domain, key.run)));
    spec.set_run_output_base(run_base + "/");
  }
  spec.set_group(action.group());
  if (request.has_run_spec()) *spec.mutable_run_spec() = request.run_spec();
  store::ActionRow row;
  row.key = key;
  row.parent = action.parent_action_name();
  row.action_type = TypeOf(action);
  row.group = action.group();
  row.attempts = 1;
  row.created_at = now;
  row.updated_at = now;
  std::string output_uri;
  if (action.has_trace()) {
    // Already finished in the parent's process: recorded with its own phase, times and outputs.
    const workflow::TraceAction& trace = action.trace();
    *spec.mutable_trace() = trace;
    row.phase = trace.phase();
    row.terminal = true;
    if (trace.has_start_time()) row.created_at = TimeUtil::TimestampToMilliseconds(trace.start_time());
    row.started_at = row.created_at;
    row.ended_at = trace.has_end_time() ? TimeUtil::TimestampToMilliseconds(trace.end_time()) : now;
    output_uri = FolderOf(trace.outputs().output_uri());
  } else if (action.has_condition()) {
    // Waits for a signal (v2_conditions.h) with no output folder: its value is kept on its row.
    // The executor holds it RUNNING until then, or ends it at its timeout.
    *spec.mutable_condition() = action.condition();
    row.phase = flyteidl2::common::ACTION_PHASE_QUEUED;
  } else {
    *spec.mutable_task() = action.task();
    row.task_name = action.task().id().name();
    row.task_version = action.task().id().version();
    row.cache_key = action.task().cache_key().value();
    row.phase = flyteidl2::common::ACTION_PHASE_QUEUED;
    // Beneath the run's base as its tasks see it (the parent passes it on), which is where the
    // engine puts the attempts after the first.
    output_uri = engine::v2::V2AttemptUrl(spec.run_output_base(), key.name, 1);
  }
  row.spec = spec.SerializeAsString();
  row.metadata = ChildMetadata(action, static_cast<workflow::ActionType>(row.action_type)).SerializeAsString();
  RETURN_IF_ERROR(deps_.runs.CreateAction(row, output_uri));
  if (!row.terminal) Queued(key);
  return absl::OkStatus();
}

StatusOr<std::unique_ptr<ReplyStream<flyteidl2::actions::WatchForUpdatesResponse>>> V2ActionsService::WatchForUpdates(
    const flyteidl2::actions::WatchForUpdatesRequest& request, StreamWake wake) {
  const store::ActionKey parent = KeyOf(request.parent_action_id());
  RETURN_IF_ERROR(RequireField(parent.run, "parent_action_id.run.name"));
  RETURN_IF_ERROR(RequireField(parent.name, "parent_action_id.name"));
  return WatchChildren(deps_.runs, parent, std::move(wake));
}

Status V2ActionsService::Abort(const flyteidl2::actions::AbortRequest& request, flyteidl2::actions::AbortResponse*) {
  return RequestAbort(KeyOf(request.action_id()),
                      request.has_reason() && !request.reason().empty() ? request.reason() : "aborted by its parent");
}

Status V2ActionsService::RequestAbort(const store::ActionKey& key, const std::string& reason) {
  RETURN_IF_ERROR(deps_.runs.RequestAbort(key, reason, deps_.clock.NowMillis()));
  deps_.actions.Abort(key, reason);
  return absl::OkStatus();
}

void V2ActionsService::Queued(const store::ActionKey& key) const { deps_.actions.Enqueue(key); }

}  // namespace flyte::admin
