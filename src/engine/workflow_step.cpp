// The scope walk of one executor step: starts ready nodes, skips what cannot run, completes
// or aborts the workflow, and turns what changed into rows to persist.
#include "engine/workflow_step.h"

#include <google/protobuf/util/time_util.h>

#include "engine/bindings.h"
#include "engine/data_layout.h"
#include "engine/records.h"
#include "engine/step_ops.h"

namespace flyte::engine {

using flyteidl::core::ExecutionError;
using flyteidl::core::WorkflowExecution;
using google::protobuf::util::TimeUtil;

namespace {

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
}

void AbortExecution(const StepContext& context, ExecutionRun& run, std::vector<Effect>& effects) {
  const int64_t now = context.clock.NowMillis();
  for (auto& [id, node] : run.nodes) AbortNode(context, run, node, effects, now);
  auto* closure = run.record.mutable_closure();
  closure->mutable_abort_metadata()->set_cause(run.abort_cause);
  closure->mutable_abort_metadata()->set_principal(run.record.spec().metadata().principal());
  SetExecutionPhase(run, WorkflowExecution::ABORTED, now);
  run.row.terminal = true;
}

// max_parallelism of the execution (0: no limit) is taken.
bool LimitReached(const ExecutionRun& run) {
  const int limit = run.record.spec().max_parallelism();
  return limit > 0 && run.running_limited >= limit;
}

}  // namespace

void StartNode(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects) {
  const int64_t now = context.clock.NowMillis();
  node.phase = NodePhase::kRunning;
  node.started_at = now;
  if (CountsForParallelism(node)) run.running_limited += 1;
  Touch(run, node, now);
  auto inputs = ResolveBindings(node.spec->inputs(), ScopeOutputs(run, *node.scope));
  if (!inputs.ok()) {
    FailNode(run, node, SystemError("BindingResolutionFailure", std::string(inputs.status().message())), now);
    return;
  }
  if (&node == run.failure_node) AddErrorInput(run, node, *inputs);
  if (Status written = context.blobs.Put(NodeInputsKey(run.key, node.id), inputs->SerializeAsString()); !written.ok()) {
    FailNode(run, node, SystemError("InputsNotWritten", std::string(written.message())), now);
    return;
  }
  if (RecoverNode(context, run, node)) return;
  if (node.spec->has_task_node()) {
    if (WaitForCache(context, run, node)) return;
    return StartAttempt(context, run, node, effects);
  }
  if (node.spec->has_branch_node()) {
    StartBranch(run, node, *inputs, now);
  } else if (node.spec->workflow_node().has_sub_workflow_ref()) {
    StartSubWorkflow(run, node, *std::move(inputs), now);
  } else if (node.spec->workflow_node().has_launchplan_ref()) {
    return StartLaunchPlan(context, run, node, *inputs);
  } else if (node.spec->has_gate_node()) {
    return StartGate(context, run, node);
  } else if (node.spec->has_array_node()) {
    return StartArray(context, run, node, *inputs, effects);
  } else {
    FailNode(run, node,
             SystemError("NotSupported", "node " + node.spec->id() + " is of a kind this sandbox does not run"), now);
    return;
  }
  // Look again in this step: the parent starts its children.
  if (node.phase == NodePhase::kRunning) MarkForLook(run, node);
}

void AbortNode(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects,
               int64_t now) {
  if (node.phase != NodePhase::kRunning) return;
  // A dynamic task running its workflow has no attempt left to stop, only children.
  if (node.spec->has_task_node() && node.attempts > 0 && !node.child_scope) {
    const int attempt = node.attempts - 1;
    effects.push_back({Effect::Kind::kAbort, {}, AttemptIdOf(run, node.id, attempt)});
    if (auto record = node.task_records.find(attempt); record != node.task_records.end()) {
      FinishTaskRecord(record->second, flyteidl::core::TaskExecution::ABORTED, "", nullptr, now);
      run.dirty_attempts.insert({node.id, attempt});
    }
  }
  if (node.child_scope) {
    for (const auto& [spec_id, child_id] : node.child_scope->unique_ids)
      AbortNode(context, run, run.nodes[child_id], effects, now);
  }
  if (!node.branch_child.empty()) AbortNode(context, run, run.nodes[node.branch_child], effects, now);
  if (node.array) {
    for (auto& [id, item] : run.nodes) {
      if (item.parent_id == node.id) AbortNode(context, run, item, effects, now);
    }
  }
  if (node.spec->has_task_node()) ReleaseCache(context, run, node);
  if (!node.child_execution.empty()) {
    effects.push_back({Effect::Kind::kTerminateChild, {}, {}, ChildExecutionKey(run, node)});
  }
  Finish(run, node, NodePhase::kAborted, now);
}

void AdvanceRunning(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects) {
  if (node.child_scope || !node.branch_child.empty()) return AdvanceParent(context, run, node, effects);
  if (!node.child_execution.empty()) return AdvanceLaunchPlan(context, run, node);
  if (node.spec->has_gate_node()) return AdvanceGate(context, run, node);
  if (node.array) return AdvanceArray(context, run, node, effects);
  // A cached task waiting for another run's reservation.
  if (node.spec->has_task_node() && node.attempts == 0 && !WaitForCache(context, run, node)) {
    StartAttempt(context, run, node, effects);
  }
}

ScopeStatus AdvanceScope(const StepContext& context, ExecutionRun& run, Scope& scope, std::vector<Effect>& effects) {
  const auto& upstream = scope.workflow->connections().upstream();
  while (!scope.candidates.empty()) {
    std::set<std::string> batch;
    batch.swap(scope.candidates);
    for (const auto& spec_id : batch) {
      NodeRun& node = run.nodes[scope.unique_ids[spec_id]];
      if (node.phase == NodePhase::kRunning) {
        AdvanceRunning(context, run, node, effects);
        continue;
      }
      if (node.phase != NodePhase::kNotYetStarted) continue;
      std::vector<NodePhase> phases;
      if (auto it = upstream.find(spec_id); it != upstream.end()) {
        for (const auto& up : it->second.ids()) {
          if (!IsSentinel(up) && scope.unique_ids.contains(up)) phases.push_back(run.nodes[scope.unique_ids[up]].phase);
        }
      }
      switch (ReadinessOf(phases)) {
        case Readiness::kStart:
          if (LimitReached(run) && CountsForParallelism(node)) {
            run.deferred.emplace_back(&scope, spec_id);
          } else {
            StartNode(context, run, node, effects);
          }
          break;
        case Readiness::kSkip:
        case Readiness::kUpstreamFailed:
          Finish(run, node, NodePhase::kSkipped, context.clock.NowMillis());
          break;
        case Readiness::kWait:
          break;
      }
    }
    if (!scope.first_failed_id.empty() && FailImmediately(run)) break;
  }
  return StatusOf(run, scope);
}

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
    row.attempts = node.attempts;
    row.system_failures = node.system_failures;
    row.pid = node.pid;
    row.attempt_started_at = node.attempt_started_at;
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
  row.terminal = true;
  row.updated_at = now;
  row.payload = record.SerializeAsString();
}

}  // namespace flyte::engine
