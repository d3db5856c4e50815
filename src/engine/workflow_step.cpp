#include "engine/workflow_step.h"

#include <google/protobuf/util/time_util.h>

#include <climits>

#include "engine/attempt_outcome.h"
#include "engine/bindings.h"
#include "engine/branch_eval.h"
#include "engine/compiler.h"
#include "engine/data_layout.h"
#include "engine/records.h"

namespace flyte::engine {
namespace {

using flyteidl::core::ExecutionError;
using flyteidl::core::WorkflowExecution;
using google::protobuf::util::TimeUtil;

// Propeller's GenerateUniqueID: children are named after their parent and its attempt.
std::string ChildId(const std::string& parent, const std::string& spec_id) { return parent + "-0-" + spec_id; }

// Resolves promises against the finished nodes of one scope.
class ScopeOutputs final : public OutputLookup {
 public:
  ScopeOutputs(const ExecutionRun& run, const Scope& scope) : run_(run), scope_(scope) {}
  StatusOr<const flyteidl::core::LiteralMap*> Outputs(const std::string& node_id) const override {
    if (node_id == kStartNodeId || node_id.empty()) return &scope_.inputs;
    auto unique = scope_.unique_ids.find(node_id);
    auto node = unique == scope_.unique_ids.end() ? run_.nodes.end() : run_.nodes.find(unique->second);
    if (node == run_.nodes.end() || !node->second.outputs) {
      return absl::NotFoundError("node " + node_id + " has no outputs");
    }
    return &*node->second.outputs;
  }

 private:
  const ExecutionRun& run_;
  const Scope& scope_;
};

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

// Marks `spec_id` of `scope` for the next pass, and the scope's owner in its own scope, so the
// change is seen from the top.
void MarkCandidate(ExecutionRun& run, Scope& scope, const std::string& spec_id) {
  scope.candidates.insert(spec_id);
  if (scope.parent_id.empty()) return;
  NodeRun& parent = run.nodes[scope.parent_id];
  MarkCandidate(run, *parent.scope, parent.spec->id());
}

// A node reached a terminal phase: its scope counts it, and whoever depends on it looks again.
void NoteTerminal(ExecutionRun& run, NodeRun& node) {
  Scope& scope = *node.scope;
  if (!IsScopeMember(scope, node)) {  // a branch's taken node: its branch decides next
    NodeRun& parent = run.nodes[node.parent_id];
    MarkCandidate(run, *parent.scope, parent.spec->id());
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

void Finish(ExecutionRun& run, NodeRun& node, NodePhase phase, int64_t now) {
  const bool was_terminal = IsTerminal(node.phase);
  node.phase = phase;
  Touch(run, node, now);
  if (!was_terminal && IsTerminal(phase)) NoteTerminal(run, node);
}

void FailNode(ExecutionRun& run, NodeRun& node, ExecutionError error, int64_t now) {
  node.error = std::move(error);
  Finish(run, node, NodePhase::kFailed, now);
}

const flyteidl::core::TaskTemplate* FindTask(const ExecutionRun& run, const flyteidl::core::Identifier& id) {
  for (const auto& task : run.closure.tasks()) {
    const auto& candidate = task.template_().id();
    if (candidate.project() == id.project() && candidate.domain() == id.domain() && candidate.name() == id.name() &&
        candidate.version() == id.version()) {
      return &task.template_();
    }
  }
  return nullptr;
}

const flyteidl::core::CompiledWorkflow* FindSubWorkflow(const ExecutionRun& run, const flyteidl::core::Identifier& id) {
  for (const auto& workflow : run.closure.sub_workflows()) {
    const auto& candidate = workflow.template_().id();
    if (candidate.project() == id.project() && candidate.domain() == id.domain() && candidate.name() == id.name() &&
        candidate.version() == id.version()) {
      return &workflow;
    }
  }
  return nullptr;
}

bool IsSentinel(const std::string& id) { return id == kStartNodeId || id == kEndNodeId; }

// Creates the (not yet started) node runs of a scope.
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
    node.spec = &spec;
    node.scope = &scope;
    node.created_at = now;
  }
}

int64_t TimeoutMillis(const ExecutionRun& run, const NodeRun& node) {
  if (node.spec->metadata().has_timeout()) return TimeUtil::DurationToMilliseconds(node.spec->metadata().timeout());
  if (const auto* task = FindTask(run, node.spec->task_node().reference_id()); task && task->metadata().has_timeout()) {
    return TimeUtil::DurationToMilliseconds(task->metadata().timeout());
  }
  return 0;
}

RetryBudget BudgetOf(const StepContext& context, const ExecutionRun& run, const NodeRun& node) {
  RetryBudget budget;
  budget.max_system_failures = context.config.max_system_failures;
  int retries = 0;
  if (node.spec->metadata().has_retries()) {
    retries = static_cast<int>(node.spec->metadata().retries().retries());
  } else if (const auto* task = FindTask(run, node.spec->task_node().reference_id())) {
    retries = static_cast<int>(task->metadata().retries().retries());
  }
  budget.max_attempts = retries + 1;
  return budget;
}

plugins::AttemptId AttemptIdOf(const ExecutionRun& run, const std::string& node_id, int attempt) {
  return run.key.project + "/" + run.key.domain + "/" + run.key.name + "/" + node_id + "/" + std::to_string(attempt);
}

plugins::TaskAttempt MakeAttempt(const StepContext& context, const ExecutionRun& run, const NodeRun& node,
                                 const flyteidl::core::TaskTemplate& task, int attempt) {
  auto url = [&](const std::string& key) { return context.blobs.NativeUrl(key).value_or(""); };
  plugins::TaskAttempt out;
  out.id = AttemptIdOf(run, node.id, attempt);
  out.project = run.key.project;
  out.domain = run.key.domain;
  out.execution_name = run.key.name;
  out.workflow_name = run.closure.primary().template_().id().name();
  out.node_id = node.id;
  out.attempt = attempt;
  out.task = task;
  out.inputs_path = url(NodeInputsKey(run.key, node.id));
  out.input_prefix = url(NodeDataDir(run.key, node.id));
  out.output_prefix = url(AttemptDir(run.key, node.id, attempt));
  out.raw_output_prefix = url(RawOutputPrefix(run.key, node.id, attempt));
  out.checkpoint_prefix = out.raw_output_prefix + "/_flytecheckpoints";
  if (attempt > 0)
    out.prev_checkpoint_prefix = url(RawOutputPrefix(run.key, node.id, attempt - 1)) + "/_flytecheckpoints";
  out.env = context.config.task_env;
  for (const auto& pair : run.record.spec().envs().values()) out.env[pair.key()] = pair.value();
  out.log_dir = (context.config.logs_dir / AttemptLogDir(run.key, node.id, attempt)).string();
  return out;
}

void StartAttempt(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects) {
  const int64_t now = context.clock.NowMillis();
  const auto* task = FindTask(run, node.spec->task_node().reference_id());
  if (task == nullptr) {
    FailNode(run, node, SystemError("TaskNotFound", "task of node " + node.spec->id() + " is not in the closure"), now);
    return;
  }
  const int attempt = node.attempts++;
  node.attempt_started_at = now;
  node.timed_out = false;
  node.pid = 0;
  plugins::TaskAttempt spec = MakeAttempt(context, run, node, *task, attempt);
  node.task_records[attempt] =
      NewTaskRecord(run, node, attempt, task->id(), task->type(), spec.inputs_path,
                    context.config.logs_base_url + "/" + AttemptLogDir(run.key, node.id, attempt), now);
  run.dirty_attempts.insert({node.id, attempt});
  Touch(run, node, now);
  context.attempts[spec.id] = {run.key, node.id};
  effects.push_back({Effect::Kind::kStart, std::move(spec), {}});
}

const flyteidl::core::Node* FindBranchTarget(const flyteidl::core::BranchNode& branch, const std::string& id) {
  const auto& block = branch.if_else();
  if (block.case_().then_node().id() == id) return &block.case_().then_node();
  for (const auto& other : block.other()) {
    if (other.then_node().id() == id) return &other.then_node();
  }
  if (block.has_else_node() && block.else_node().id() == id) return &block.else_node();
  return nullptr;
}

// Starts the selected branch; the taken node runs as a child resolving in the branch's scope.
void StartBranch(const StepContext& context, ExecutionRun& run, NodeRun& node, const flyteidl::core::LiteralMap& inputs,
                 int64_t now) {
  auto decision = EvaluateBranch(node.spec->branch_node(), inputs);
  if (!decision.ok()) {
    FailNode(run, node, UserError("BranchEvaluationFailed", std::string(decision.status().message())), now);
    return;
  }
  if (decision->error) {
    FailNode(run, node, UserError("UserProvidedError", decision->error->message()), now);
    return;
  }
  const auto* target = FindBranchTarget(node.spec->branch_node(), decision->selected_node_id);
  const std::string child_id = ChildId(node.id, decision->selected_node_id);
  NodeRun& child = run.nodes[child_id];
  child.id = child_id;
  child.parent_id = node.id;
  child.spec = target;
  child.scope = node.scope;
  child.created_at = now;
  node.branch_child = child_id;
  (void)context;
}

void StartSubWorkflow(ExecutionRun& run, NodeRun& node, flyteidl::core::LiteralMap inputs, int64_t now) {
  const auto* workflow = FindSubWorkflow(run, node.spec->workflow_node().sub_workflow_ref());
  if (workflow == nullptr) {
    FailNode(run, node, SystemError("SubWorkflowNotFound", "sub-workflow of node " + node.spec->id() + " is missing"),
             now);
    return;
  }
  node.child_scope = std::make_unique<Scope>();
  node.child_scope->workflow = workflow;
  node.child_scope->parent_id = node.id;
  node.child_scope->inputs = std::move(inputs);
  AddScopeNodes(run, *node.child_scope, now);
}

void StartNode(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects) {
  const int64_t now = context.clock.NowMillis();
  node.phase = NodePhase::kRunning;
  node.started_at = now;
  Touch(run, node, now);
  auto inputs = ResolveBindings(node.spec->inputs(), ScopeOutputs(run, *node.scope));
  if (!inputs.ok()) {
    FailNode(run, node, SystemError("BindingResolutionFailure", std::string(inputs.status().message())), now);
    return;
  }
  if (Status written = context.blobs.Put(NodeInputsKey(run.key, node.id), inputs->SerializeAsString()); !written.ok()) {
    FailNode(run, node, SystemError("InputsNotWritten", std::string(written.message())), now);
    return;
  }
  if (node.spec->has_task_node()) return StartAttempt(context, run, node, effects);
  if (node.spec->has_branch_node() ||
      (node.spec->has_workflow_node() && node.spec->workflow_node().has_sub_workflow_ref())) {
    if (node.spec->has_branch_node()) {
      StartBranch(context, run, node, *inputs, now);
    } else {
      StartSubWorkflow(run, node, *std::move(inputs), now);
    }
    // Look again in this step: the parent starts its children.
    if (node.phase == NodePhase::kRunning) MarkCandidate(run, *node.scope, node.spec->id());
    return;
  }
  FailNode(run, node,
           SystemError("NotSupported", "node " + node.spec->id() +
                                           ": launch plan, gate, array and dynamic nodes are not supported by this "
                                           "sandbox yet"),
           now);
}

void AbortNode(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects,
               int64_t now) {
  if (node.phase != NodePhase::kRunning) return;
  if (node.spec->has_task_node() && node.attempts > 0) {
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
  Finish(run, node, NodePhase::kAborted, now);
}

struct ScopeStatus {
  bool done = false;
  const NodeRun* failed = nullptr;
};

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

// Advances every node of a scope until nothing changes; returns the scope's status.
ScopeStatus AdvanceScope(const StepContext& context, ExecutionRun& run, Scope& scope, std::vector<Effect>& effects);

void AdvanceParent(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects) {
  const int64_t now = context.clock.NowMillis();
  if (node.child_scope) {
    ScopeStatus child = AdvanceScope(context, run, *node.child_scope, effects);
    if (child.failed != nullptr && (child.done || FailImmediately(run))) {
      for (const auto& [spec_id, id] : node.child_scope->unique_ids)
        AbortNode(context, run, run.nodes[id], effects, now);
      FailNode(run, node, child.failed->error.value_or(SystemError("SubWorkflowFailed", "sub-workflow failed")), now);
      return;
    }
    if (!child.done) return;
    auto outputs =
        ResolveBindings(node.child_scope->workflow->template_().outputs(), ScopeOutputs(run, *node.child_scope));
    if (!outputs.ok()) {
      FailNode(run, node, SystemError("BindingResolutionFailure", std::string(outputs.status().message())), now);
      return;
    }
    node.outputs = *std::move(outputs);
  } else {
    NodeRun& child = run.nodes[node.branch_child];
    if (child.phase == NodePhase::kNotYetStarted) StartNode(context, run, child, effects);
    if (child.phase == NodePhase::kRunning && (child.child_scope || !child.branch_child.empty())) {
      AdvanceParent(context, run, child, effects);
    }
    if (!IsTerminal(child.phase)) return;
    if (child.phase != NodePhase::kSucceeded) {
      FailNode(run, node, child.error.value_or(SystemError("BranchFailed", "branch failed")), now);
      return;
    }
    node.outputs = child.outputs;
  }
  // Parents keep their outputs where a task's would be, so output_uri works the same way.
  (void)context.blobs.Put(AttemptDir(run.key, node.id, 0) + "/outputs.pb", node.outputs->SerializeAsString());
  node.attempts = std::max(node.attempts, 1);
  Finish(run, node, NodePhase::kSucceeded, now);
}

ScopeStatus AdvanceScope(const StepContext& context, ExecutionRun& run, Scope& scope, std::vector<Effect>& effects) {
  const auto& upstream = scope.workflow->connections().upstream();
  while (!scope.candidates.empty()) {
    std::set<std::string> batch;
    batch.swap(scope.candidates);
    for (const auto& spec_id : batch) {
      NodeRun& node = run.nodes[scope.unique_ids[spec_id]];
      if (node.phase == NodePhase::kRunning && (node.child_scope || !node.branch_child.empty())) {
        AdvanceParent(context, run, node, effects);
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
          StartNode(context, run, node, effects);
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

void SetExecutionPhase(ExecutionRun& run, WorkflowExecution::Phase phase, int64_t now) {
  auto* closure = run.record.mutable_closure();
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

// Applies a finished attempt: success, another attempt, or failure with Flyte's message.
void ApplyAttemptResult(const StepContext& context, ExecutionRun& run, NodeRun& node, int attempt,
                        const plugins::AttemptStatus& status, std::vector<Effect>& effects) {
  const int64_t now = context.clock.NowMillis();
  const auto* task = FindTask(run, node.spec->task_node().reference_id());
  const std::string dir = AttemptDir(run.key, node.id, attempt);
  AttemptResult result = ReadAttemptResult(context.blobs, dir, status, task->interface(), node.timed_out);
  AttemptDecision decision =
      DecideAfterAttempt({node.attempts, node.system_failures}, result.outcome, BudgetOf(context, run, node));
  node.system_failures = decision.counts.system_failures;
  auto& record = node.task_records[attempt];
  run.dirty_attempts.insert({node.id, attempt});
  effects.push_back({Effect::Kind::kFinalize, {}, AttemptIdOf(run, node.id, attempt)});
  context.attempts.erase(AttemptIdOf(run, node.id, attempt));
  switch (decision.step) {
    case NextStep::kSucceed:
      FinishTaskRecord(record, flyteidl::core::TaskExecution::SUCCEEDED,
                       context.blobs.NativeUrl(dir + "/outputs.pb").value_or(""), nullptr, now);
      node.outputs = std::move(result.outputs);
      Finish(run, node, NodePhase::kSucceeded, now);
      return;
    case NextStep::kRetry:
      FinishTaskRecord(record, flyteidl::core::TaskExecution::FAILED, "", &result.error, now);
      StartAttempt(context, run, node, effects);
      return;
    case NextStep::kFail: {
      FinishTaskRecord(record, flyteidl::core::TaskExecution::FAILED, "", &result.error, now);
      ExecutionError error = result.error;
      const int max_attempts = BudgetOf(context, run, node).max_attempts;
      if (node.attempts > 1 || result.outcome == AttemptOutcome::kUserRecoverable) {
        error.set_code("RetriesExhausted|" + result.error.code());
        error.set_message("[" + std::to_string(node.attempts) + "/" + std::to_string(max_attempts) +
                          "] currentAttempt done. Last Error: " + ExecutionError::ErrorKind_Name(result.error.kind()) +
                          "::" + result.error.message());
      }
      node.error = std::move(error);
      Finish(run, node, result.outcome == AttemptOutcome::kTimedOut ? NodePhase::kTimedOut : NodePhase::kFailed, now);
      return;
    }
  }
}

void ApplyTimeouts(const StepContext& context, ExecutionRun& run, std::vector<Effect>& effects) {
  const int64_t now = context.clock.NowMillis();
  for (auto& [id, node] : run.nodes) {
    if (node.phase != NodePhase::kRunning || !node.spec->has_task_node() || node.timed_out) continue;
    const int64_t timeout = TimeoutMillis(run, node);
    if (timeout > 0 && now >= node.attempt_started_at + timeout) {
      node.timed_out = true;
      effects.push_back({Effect::Kind::kAbort, {}, AttemptIdOf(run, node.id, node.attempts - 1)});
    }
  }
}

// Applies a stored node row (and, below it, its children's) to a freshly created node run.
void RestoreNode(const StepContext& context, store::ExecutionStore& executions,
                 const std::map<std::string, store::NodeExecutionRow>& rows, ExecutionRun& run, NodeRun& node,
                 std::vector<Effect>& effects);

void RestoreScope(const StepContext& context, store::ExecutionStore& executions,
                  const std::map<std::string, store::NodeExecutionRow>& rows, ExecutionRun& run, Scope& scope,
                  std::vector<Effect>& effects) {
  AddScopeNodes(run, scope, context.clock.NowMillis());
  for (const auto& [spec_id, id] : scope.unique_ids)
    RestoreNode(context, executions, rows, run, run.nodes[id], effects);
}

void RestoreAttempt(const StepContext& context, store::ExecutionStore& executions, ExecutionRun& run, NodeRun& node,
                    const store::NodeExecutionRow& row, std::vector<Effect>& effects) {
  auto tasks = executions.ListTaskExecutions(run.key, node.id, {"", {}, "", 1000});
  if (tasks.ok()) {
    for (const auto& task : *tasks) (void)node.task_records[task.retry_attempt].ParseFromString(task.payload);
  }
  const auto* task = FindTask(run, node.spec->task_node().reference_id());
  if (task == nullptr || node.attempts == 0) return;
  const int attempt = node.attempts - 1;
  plugins::TaskAttempt spec = MakeAttempt(context, run, node, *task, attempt);
  if (row.pid > 0 && context.plugin.Reattach(spec, row.pid).ok()) {
    context.attempts[spec.id] = {run.key, node.id};
    return;
  }
  // The attempt ended (or never started) while the server was down: judge it by what it left.
  plugins::AttemptStatus gone;
  gone.phase = plugins::AttemptPhase::kExited;
  gone.message = "the task process ended while the sandbox was down";
  ApplyAttemptResult(context, run, node, attempt, gone, effects);
}

void RestoreNode(const StepContext& context, store::ExecutionStore& executions,
                 const std::map<std::string, store::NodeExecutionRow>& rows, ExecutionRun& run, NodeRun& node,
                 std::vector<Effect>& effects) {
  auto found = rows.find(node.id);
  if (found == rows.end()) return;
  const store::NodeExecutionRow& row = found->second;
  flyteidl::admin::NodeExecution record;
  (void)record.ParseFromString(row.payload);
  node.phase = FromNodeExecutionPhase(static_cast<flyteidl::core::NodeExecution::Phase>(row.phase));
  node.attempts = row.attempts;
  node.system_failures = row.system_failures;
  node.pid = row.pid;
  node.created_at = row.created_at;
  node.updated_at = row.updated_at;
  node.attempt_started_at = row.attempt_started_at;
  if (record.closure().has_started_at())
    node.started_at = TimeUtil::TimestampToMilliseconds(record.closure().started_at());
  if (record.closure().has_error()) node.error = record.closure().error();
  // Counted as stored; later transitions are counted by Finish.
  if (IsTerminal(node.phase) && IsScopeMember(*node.scope, node)) CountTerminal(*node.scope, node);
  if (node.phase == NodePhase::kSucceeded) {
    node.outputs.emplace();
    auto bytes = context.blobs.Get(AttemptDir(run.key, node.id, std::max(0, node.attempts - 1)) + "/outputs.pb");
    if (bytes.ok()) (void)node.outputs->ParseFromString(*bytes);
  }
  if (node.phase == NodePhase::kNotYetStarted || IsTerminal(node.phase)) return;
  if (node.spec->has_task_node()) return RestoreAttempt(context, executions, run, node, row, effects);
  flyteidl::core::LiteralMap inputs;
  if (auto bytes = context.blobs.Get(NodeInputsKey(run.key, node.id)); bytes.ok()) (void)inputs.ParseFromString(*bytes);
  if (node.spec->has_branch_node()) {
    for (const auto& [id, child_row] : rows) {
      if (child_row.parent_id != node.id) continue;
      flyteidl::admin::NodeExecution child_record;
      (void)child_record.ParseFromString(child_row.payload);
      NodeRun& child = run.nodes[id];
      child.id = id;
      child.parent_id = node.id;
      child.spec = FindBranchTarget(node.spec->branch_node(), child_record.metadata().spec_node_id());
      child.scope = node.scope;
      node.branch_child = id;
      if (child.spec != nullptr) RestoreNode(context, executions, rows, run, child, effects);
    }
    if (node.branch_child.empty()) StartBranch(context, run, node, inputs, context.clock.NowMillis());
    return;
  }
  StartSubWorkflow(run, node, std::move(inputs), context.clock.NowMillis());
  if (node.child_scope) RestoreScope(context, executions, rows, run, *node.child_scope, effects);
}

}  // namespace

StatusOr<std::unique_ptr<ExecutionRun>> LoadRun(const StepContext& context, store::ExecutionStore& executions,
                                                const store::ExecutionRow& row, std::vector<Effect>& effects) {
  auto run = std::make_unique<ExecutionRun>();
  run->key = row.key;
  run->row = row;
  if (!run->record.ParseFromString(row.payload)) return absl::DataLossError("execution record is corrupt");
  ASSIGN_OR_RETURN(std::string closure, context.blobs.Get(ExecutionClosureKey(row.key)));
  if (!run->closure.ParseFromString(closure))
    return absl::DataLossError("compiled workflow of the execution is corrupt");
  run->root.workflow = &run->closure.primary();
  if (auto inputs = context.blobs.Get(ExecutionInputsKey(row.key)); inputs.ok()) {
    (void)run->root.inputs.ParseFromString(*inputs);
  }
  ASSIGN_OR_RETURN(auto rows, executions.AllNodeExecutions(row.key));
  std::map<std::string, store::NodeExecutionRow> by_id;
  for (auto& node_row : rows) by_id.emplace(node_row.node_id, std::move(node_row));
  RestoreScope(context, executions, by_id, *run, run->root, effects);
  return run;
}

int64_t NextDeadline(const ExecutionRun& run) {
  int64_t next = INT64_MAX;
  for (const auto& [id, node] : run.nodes) {
    if (node.phase != NodePhase::kRunning || node.spec == nullptr || !node.spec->has_task_node() || node.timed_out) {
      continue;
    }
    const int64_t timeout = TimeoutMillis(run, node);
    if (timeout > 0) next = std::min(next, node.attempt_started_at + timeout);
  }
  return next;
}

void HandleAttemptChange(const StepContext& context, RunMap& runs, const plugins::AttemptId& id,
                         std::vector<Effect>& effects) {
  auto owner = context.attempts.find(id);
  if (owner == context.attempts.end()) return;
  auto run_it = runs.find(owner->second.first);
  if (run_it == runs.end()) return;
  ExecutionRun& run = *run_it->second;
  NodeRun& node = run.nodes[owner->second.second];
  auto checked = context.plugin.Check(id);
  if (!checked.ok()) {
    // The plugin lost the attempt (e.g. Start itself failed): it will not report again.
    plugins::AttemptStatus lost;
    lost.phase = plugins::AttemptPhase::kFailedToStart;
    lost.message = std::string(checked.status().message());
    checked = lost;
  }
  const StatusOr<plugins::AttemptStatus>& status = checked;
  const int attempt = node.attempts - 1;
  if (node.phase != NodePhase::kRunning || AttemptIdOf(run, node.id, attempt) != id) {
    if (status->phase != plugins::AttemptPhase::kRunning && status->phase != plugins::AttemptPhase::kQueued) {
      effects.push_back({Effect::Kind::kFinalize, {}, id});
      context.attempts.erase(id);
    }
    return;
  }
  if (status->phase == plugins::AttemptPhase::kRunning || status->phase == plugins::AttemptPhase::kQueued) {
    if (status->pid != node.pid) {
      node.pid = status->pid;
      Touch(run, node, context.clock.NowMillis());
    }
    return;
  }
  ApplyAttemptResult(context, run, node, attempt, *status, effects);
}

void AdvanceExecution(const StepContext& context, ExecutionRun& run, std::vector<Effect>& effects) {
  if (run.row.terminal) return;
  const int64_t now = context.clock.NowMillis();
  if (run.aborting) return AbortExecution(context, run, effects);
  if (run.record.closure().phase() == WorkflowExecution::QUEUED ||
      run.record.closure().phase() == WorkflowExecution::UNDEFINED) {
    SetExecutionPhase(run, WorkflowExecution::RUNNING, now);
  }
  ApplyTimeouts(context, run, effects);
  ScopeStatus status = AdvanceScope(context, run, run.root, effects);
  if (status.done || (status.failed != nullptr && FailImmediately(run)))
    CompleteExecution(context, run, status, effects);
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
    row.payload = NodeRecord(run, node, context.blobs, now).SerializeAsString();
    write.nodes.push_back(std::move(row));
  }
  for (const auto& [node_id, attempt] : run.dirty_attempts) {
    const auto& record = run.nodes.at(node_id).task_records.at(attempt);
    write.tasks.push_back({run.key, node_id, attempt, record.closure().phase(),
                           TimeUtil::TimestampToMilliseconds(record.closure().created_at()), now,
                           record.SerializeAsString()});
  }
  if (run.execution_dirty || !run.dirty_nodes.empty()) {
    run.row.payload = run.record.SerializeAsString();
    write.executions.push_back(run.row);
  }
  run.dirty_nodes.clear();
  run.dirty_attempts.clear();
  run.execution_dirty = false;
}

void Perform(const StepContext& context, const Effect& effect) {
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
