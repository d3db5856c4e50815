// Bookkeeping shared by every node kind: errors, phase changes and what they make candidates.
#include "engine/run_graph.h"

#include <google/protobuf/util/time_util.h>

#include "engine/array_node.h"
#include "engine/compiler.h"
#include "engine/data_layout.h"
#include "engine/engine_metrics.h"
#include "engine/node_handler.h"
#include "engine/records.h"

namespace flyte::engine {

using flyteidl::core::ExecutionError;
using flyteidl::core::WorkflowExecution;
using google::protobuf::util::TimeUtil;

namespace {

// A held-back node can still start: not started, and its scope's owners (if any) still running.
bool CanStillStart(const ExecutionRun& run, const Scope& scope, const std::string& spec_id) {
  if (run.nodes.at(scope.unique_ids.at(spec_id)).phase != NodePhase::kNotYetStarted) return false;
  for (const Scope* owned = &scope; !owned->parent_id.empty();) {
    const NodeRun& owner = run.nodes.at(owned->parent_id);
    if (owner.phase != NodePhase::kRunning) return false;
    owned = owner.scope;
  }
  return true;
}

// A node reached a terminal phase: its scope counts it, and whoever depends on it looks again.
void NoteTerminal(ExecutionRun& run, NodeRun& node) {
  Scope& scope = *node.scope;
  if (&node == run.failure_node) return;  // the execution looks at it on every step
  if (!IsScopeMember(scope, node)) {      // a branch's taken node: its branch decides next
    MarkForLook(run, node);
    return;
  }
  CountTerminal(scope, node);
  if (auto down = scope.workflow->connections().downstream().find(node.spec->id());
      down != scope.workflow->connections().downstream().end()) {
    for (const auto& id : down->second.ids()) {
      if (scope.unique_ids.contains(id)) MarkCandidate(run, scope, id);
    }
  }
  if (!scope.parent_id.empty()) MarkCandidate(run, scope, node.spec->id());
}

}  // namespace

std::string ChildId(const std::string& parent, const std::string& spec_id) { return parent + "-0-" + spec_id; }

StatusOr<const flyteidl::core::LiteralMap*> ScopeOutputs::Outputs(const std::string& node_id) const {
  if (node_id == kStartNodeId || node_id.empty()) return &scope_.inputs;
  auto unique = scope_.unique_ids.find(node_id);
  auto node = unique == scope_.unique_ids.end() ? run_.nodes.end() : run_.nodes.find(unique->second);
  if (node == run_.nodes.end() || !node->second.outputs) {
    return absl::NotFoundError("node " + node_id + " has no outputs");
  }
  return &*node->second.outputs;
}

ExecutionError SystemError(std::string code, std::string message) {
  ExecutionError error;
  error.set_code(std::move(code));
  error.set_message(std::move(message));
  error.set_kind(ExecutionError::SYSTEM);
  return error;
}

ExecutionError UserError(std::string code, std::string message) {
  ExecutionError error = SystemError(std::move(code), std::move(message));
  error.set_kind(ExecutionError::USER);
  return error;
}

void Touch(ExecutionRun& run, NodeRun& node, int64_t now) {
  node.updated_at = now;
  run.dirty_nodes.insert(node.id);
}

bool IsScopeMember(const Scope& scope, const NodeRun& node) {
  auto it = scope.unique_ids.find(node.spec->id());
  return it != scope.unique_ids.end() && it->second == node.id;
}

void CountTerminal(Scope& scope, const NodeRun& node) {
  scope.terminal_nodes += 1;
  if ((node.phase == NodePhase::kFailed || node.phase == NodePhase::kTimedOut) && scope.first_failed_id.empty()) {
    scope.first_failed_id = node.id;
  }
}

void MarkCandidate(ExecutionRun& run, Scope& scope, const std::string& spec_id) {
  scope.candidates.insert(spec_id);
  if (scope.parent_id.empty()) return;
  NodeRun& parent = run.nodes[scope.parent_id];
  MarkCandidate(run, *parent.scope, parent.spec->id());
}

void Finish(ExecutionRun& run, NodeRun& node, NodePhase phase, int64_t now) {
  const bool was_running = node.phase == NodePhase::kRunning;
  const bool was_terminal = IsTerminal(node.phase);
  if (node.phase != phase) Metrics().node_phases.Count(ToNodeExecutionPhase(phase));
  node.phase = phase;
  Touch(run, node, now);
  run.waiting.erase(node.id);
  run.timed_nodes.erase(node.id);
  run.sleeping.erase(node.id);
  run.cache_waiters.erase(node.id);
  if (was_running && CountsForParallelism(node)) {
    run.running_limited -= 1;
    // A slot is free: the oldest node held back by max_parallelism that can still start takes it
    // (one per slot, so a wide fan-out does not re-examine every waiting node on each finish).
    while (!run.deferred.empty()) {
      auto [scope, spec_id] = std::move(run.deferred.front());
      run.deferred.pop_front();
      if (CanStillStart(run, *scope, spec_id)) {
        MarkCandidate(run, *scope, spec_id);
        break;
      }
    }
  }
  if (!was_terminal && IsTerminal(phase)) {
    if (node.array_index >= 0) NoteItemFinished(run, node);
    NoteTerminal(run, node);
  }
}

std::string SucceedWithOutputs(const StepContext& context, ExecutionRun& run, NodeRun& node,
                               flyteidl::core::LiteralMap outputs, int64_t now) {
  node.attempts = std::max(node.attempts, 1);
  node.outputs = std::move(outputs);
  const std::string key = AttemptDir(run.key, node.id, node.attempts - 1) + "/outputs.pb";
  if (Status written = context.blobs.Put(key, node.outputs->SerializeAsString()); !written.ok()) {
    // Downstream nodes and a restart read them from there: without the file the node has no outputs.
    node.outputs.reset();
    FailNode(run, node, SystemError("OutputsNotWritten", std::string(written.message())), now);
    return "";
  }
  Finish(run, node, NodePhase::kSucceeded, now);
  return key;
}

flyteidl::core::LiteralMap StoredInputs(const StepContext& context, const ExecutionRun& run, const NodeRun& node) {
  flyteidl::core::LiteralMap inputs;
  if (auto bytes = context.blobs.Get(NodeInputsKey(run.key, node.id)); bytes.ok()) (void)inputs.ParseFromString(*bytes);
  return inputs;
}

bool CountsForParallelism(const NodeRun& node) {
  if (node.array_index >= 0) return false;  // items count against their array's own parallelism
  return HandlerOf(node.kind).CountsForParallelism();
}

void MarkForLook(ExecutionRun& run, const NodeRun& node) {
  if (&node == run.failure_node) return;
  if (IsScopeMember(*node.scope, node)) return MarkCandidate(run, *node.scope, node.spec->id());
  MarkForLook(run, run.nodes.at(node.parent_id));
}

void FailNode(ExecutionRun& run, NodeRun& node, ExecutionError error, int64_t now) {
  node.error = std::move(error);
  Finish(run, node, NodePhase::kFailed, now);
}

namespace {

// The entry of `entries(closure)` named `id`, in the execution's closure or a dynamic node's.
template <typename Entries>
auto FindCompiled(const ExecutionRun& run, const flyteidl::core::Identifier& id, Entries entries)
    -> decltype(&*entries(run.closure).begin()) {
  auto find_in = [&](const flyteidl::core::CompiledWorkflowClosure& closure) -> decltype(&*entries(closure).begin()) {
    for (const auto& entry : entries(closure)) {
      if (SameEntity(entry.template_().id(), id)) return &entry;
    }
    return nullptr;
  };
  if (const auto* found = find_in(run.closure)) return found;
  for (const auto& [node_id, closure] : run.dynamic_closures) {
    if (const auto* found = find_in(closure)) return found;
  }
  return nullptr;
}

}  // namespace

const flyteidl::core::TaskTemplate* FindTask(const ExecutionRun& run, const flyteidl::core::Identifier& id) {
  const auto* task = FindCompiled(
      run, id, [](const auto& closure) -> const auto& { return closure.tasks(); });
  return task != nullptr ? &task->template_() : nullptr;
}

const flyteidl::core::CompiledWorkflow* FindSubWorkflow(const ExecutionRun& run, const flyteidl::core::Identifier& id) {
  return FindCompiled(
      run, id, [](const auto& closure) -> const auto& { return closure.sub_workflows(); });
}

void SetSpec(NodeRun& node, const flyteidl::core::Node* spec) {
  node.spec = spec;
  if (spec != nullptr) node.kind = KindOf(*spec);
}

bool IsSentinel(const std::string& id) { return id == kStartNodeId || id == kEndNodeId; }

void AddScopeNodes(ExecutionRun& run, Scope& scope, int64_t now) {
  for (const auto& spec : scope.workflow->template_().nodes()) {
    if (IsSentinel(spec.id())) continue;
    const std::string id = scope.parent_id.empty() ? spec.id() : ChildId(scope.parent_id, spec.id());
    scope.unique_ids[spec.id()] = id;
    scope.candidates.insert(spec.id());
    if (run.nodes.contains(id)) continue;  // reloaded from the store
    NodeRun& node = run.nodes[id];
    node.id = id;
    node.parent_id = scope.parent_id;
    SetSpec(node, &spec);
    node.scope = &scope;
    node.created_at = now;
  }
}

void SetExecutionPhase(ExecutionRun& run, WorkflowExecution::Phase phase, int64_t now) {
  auto* closure = run.record.mutable_closure();
  if (closure->phase() != phase) Metrics().execution_phases.Count(phase);
  closure->set_phase(phase);
  *closure->mutable_updated_at() = TimeUtil::MillisecondsToTimestamp(now);
  if (phase == WorkflowExecution::RUNNING && !closure->has_started_at()) {
    *closure->mutable_started_at() = TimeUtil::MillisecondsToTimestamp(now);
    run.row.started_at = now;
  }
  if (closure->has_started_at()) {
    const int64_t started = TimeUtil::TimestampToMilliseconds(closure->started_at());
    *closure->mutable_duration() = TimeUtil::MillisecondsToDuration(std::max<int64_t>(0, now - started));
    run.row.duration_ms = std::max<int64_t>(0, now - started);
  }
  run.row.phase = phase;
  run.row.updated_at = now;
  run.execution_dirty = true;
}

ScopeStatus StatusOf(const ExecutionRun& run, const Scope& scope) {
  ScopeStatus status;
  status.done = scope.terminal_nodes == static_cast<int>(scope.unique_ids.size());
  if (!scope.first_failed_id.empty()) status.failed = &run.nodes.at(scope.first_failed_id);
  return status;
}

bool FailImmediately(const ExecutionRun& run) {
  return run.closure.primary().template_().metadata().on_failure() ==
         flyteidl::core::WorkflowMetadata::FAIL_IMMEDIATELY;
}

}  // namespace flyte::engine
