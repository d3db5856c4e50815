// One executor step for one execution: walks its root scope (scope_walk.h), completes, fails or
// aborts the workflow, and turns what changed into rows to persist.
#include "engine/workflow_step.h"

#include <google/protobuf/util/time_util.h>

#include "common/log.h"
#include "engine/bindings.h"
#include "engine/cached_task.h"
#include "engine/data_layout.h"
#include "engine/engine_metrics.h"
#include "engine/failure_node.h"
#include "engine/gate_node.h"
#include "engine/records.h"
#include "engine/scope_walk.h"
#include "engine/task_node.h"

namespace flyte::engine {

using flyteidl::core::ExecutionError;
using flyteidl::core::WorkflowExecution;
using google::protobuf::util::TimeUtil;

namespace {

// Logged by the step that makes the execution terminal, as it is persisted.
void LogEnd(const ExecutionRun& run) {
  log::Info("engine", "execution ended",
            {{"execution", run.key.project + "/" + run.key.domain + "/" + run.key.name},
             {"phase", WorkflowExecution::Phase_Name(run.row.phase)},
             {"duration_ms", run.row.duration_ms}});
}

void CompleteExecution(const StepContext& context, ExecutionRun& run, const ScopeStatus& status,
                       std::vector<Effect>& effects) {
  const int64_t now = context.clock.NowMillis();
  if (status.failed != nullptr) {
    for (auto& [id, node] : run.nodes) AbortNode(context, run, node, effects, now);
    auto* error = run.record.mutable_closure()->mutable_error();
    *error = status.failed->error.value_or(SystemError("NodeFailed", "node failed"));
    error->set_message("Workflow[" + run.closure.primary().template_().id().name() + "] failed. " + error->code() +
                       ": " + error->message());
    SetExecutionPhase(run, WorkflowExecution::FAILED, now);
  } else {
    auto outputs = ResolveBindings(run.root.workflow->template_().outputs(), ScopeOutputs(run, run.root));
    Status written =
        outputs.ok() ? context.blobs.Put(ExecutionOutputsKey(run.key), outputs->SerializeAsString()) : outputs.status();
    if (!written.ok()) {
      *run.record.mutable_closure()->mutable_error() = SystemError("OutputsNotWritten", std::string(written.message()));
      SetExecutionPhase(run, WorkflowExecution::FAILED, now);
    } else {
      run.record.mutable_closure()->mutable_outputs()->set_uri(
          context.blobs.NativeUrl(ExecutionOutputsKey(run.key)).value_or(""));
      SetExecutionPhase(run, WorkflowExecution::SUCCEEDED, now);
    }
  }
  run.row.terminal = true;
  LogEnd(run);
}

void AbortExecution(const StepContext& context, ExecutionRun& run, std::vector<Effect>& effects) {
  const int64_t now = context.clock.NowMillis();
  for (auto& [id, node] : run.nodes) AbortNode(context, run, node, effects, now);
  auto* closure = run.record.mutable_closure();
  closure->mutable_abort_metadata()->set_cause(run.abort_cause);
  closure->mutable_abort_metadata()->set_principal(run.record.spec().metadata().principal());
  SetExecutionPhase(run, WorkflowExecution::ABORTED, now);
  run.row.terminal = true;
  LogEnd(run);
}

}  // namespace

void AdvanceExecution(const StepContext& context, ExecutionRun& run, std::vector<Effect>& effects) {
  if (run.row.terminal) return;
  const int64_t now = context.clock.NowMillis();
  if (run.aborting) return AbortExecution(context, run, effects);
  if (run.record.closure().phase() == WorkflowExecution::QUEUED ||
      run.record.closure().phase() == WorkflowExecution::UNDEFINED) {
    SetExecutionPhase(run, WorkflowExecution::RUNNING, now);
  }
  if (run.woken) {
    run.woken = false;
    for (const auto& id : run.waiting) MarkForLook(run, run.nodes.at(id));
  }
  ApplyTimeouts(context, run, effects);
  WakeSleepers(context, run);
  WakeCacheWaiters(context, run);
  // Once the failure node runs, the rest of the workflow is over.
  ScopeStatus status =
      run.failure_node == nullptr ? AdvanceScope(context, run, run.root, effects) : StatusOf(run, run.root);
  const bool failed = status.failed != nullptr && (status.done || FailImmediately(run));
  if (failed && RunFailureNode(context, run, *status.failed, effects)) return;
  if (status.done || failed) CompleteExecution(context, run, status, effects);
}

void CollectWrites(const StepContext& context, ExecutionRun& run, store::ExecutionWrite& write) {
  const int64_t now = context.clock.NowMillis();
  for (const auto& id : run.dirty_nodes) {
    const NodeRun& node = run.nodes.at(id);
    store::NodeExecutionRow row;
    row.execution = run.key;
    row.node_id = node.id;
    row.parent_id = node.parent_id;
    row.phase = ToNodeExecutionPhase(node.phase);
    row.created_at = node.created_at;
    row.updated_at = node.updated_at;
    row.progress = static_cast<const store::NodeProgress&>(node);
    row.payload = NodeRecord(run, node, context.blobs).SerializeAsString();
    write.nodes.push_back(std::move(row));
  }
  for (const auto& [node_id, attempt] : run.dirty_attempts) {
    const auto& record = run.nodes.at(node_id).task_records.at(attempt);
    write.tasks.push_back({run.key, node_id, attempt, record.closure().phase(),
                           TimeUtil::TimestampToMilliseconds(record.closure().created_at()), now,
                           record.SerializeAsString()});
  }
  if (run.execution_dirty) {
    run.row.payload = run.record.SerializeAsString();
    write.executions.push_back(run.row);
  }
  run.dirty_nodes.clear();
  run.dirty_attempts.clear();
  run.execution_dirty = false;
}

void MarkUnwritten(RunMap& runs, const store::ExecutionWrite& write) {
  const auto run_of = [&runs](const store::ExecutionKey& key) {
    auto it = runs.find(key);
    return it != runs.end() ? it->second.get() : nullptr;
  };
  for (const auto& row : write.executions) {
    if (ExecutionRun* run = run_of(row.key)) run->execution_dirty = true;
  }
  for (const auto& row : write.nodes) {
    if (ExecutionRun* run = run_of(row.execution)) run->dirty_nodes.insert(row.node_id);
  }
  for (const auto& row : write.tasks) {
    if (ExecutionRun* run = run_of(row.execution)) run->dirty_attempts.emplace(row.node_id, row.retry_attempt);
  }
}

void Perform(const StepContext& context, const Effect& effect,
             const std::function<void(const store::ExecutionKey&, const std::string&)>& terminate) {
  switch (effect.kind) {
    case Effect::Kind::kStart:
      // A failed start shows up in the Check that follows every start.
      (void)context.plugin.Start(effect.attempt);
      return;
    case Effect::Kind::kAbort:
      (void)context.plugin.Abort(effect.id);
      return;
    case Effect::Kind::kFinalize:
      (void)context.plugin.Finalize(effect.id);
      return;
    case Effect::Kind::kTerminateChild:
      terminate(effect.child, "the parent execution was aborted");
      return;
  }
}

void MarkUnloadable(const Clock& clock, store::ExecutionRow& row, const Status& why) {
  flyteidl::admin::Execution record;
  (void)record.ParseFromString(row.payload);
  const int64_t now = clock.NowMillis();
  *record.mutable_closure()->mutable_error() = SystemError("ExecutionNotLoadable", std::string(why.message()));
  record.mutable_closure()->set_phase(WorkflowExecution::FAILED);
  *record.mutable_closure()->mutable_updated_at() = TimeUtil::MillisecondsToTimestamp(now);
  row.phase = WorkflowExecution::FAILED;
  Metrics().execution_phases.Count(WorkflowExecution::FAILED);
  row.terminal = true;
  row.updated_at = now;
  row.payload = record.SerializeAsString();
}

}  // namespace flyte::engine
