// What the parts of an executor step share: run bookkeeping (run_graph.cpp), task nodes
// (task_node.cpp), parent nodes (parent_nodes.cpp, dynamic_node.cpp), the other node kinds and
// the scope walk (workflow_step.cpp).
// Internal to the engine; the executor only sees workflow_step.h.
#pragma once

#include <string>
#include <vector>

#include "engine/bindings.h"
#include "engine/workflow_step.h"

namespace flyte::engine {

// --- run_graph.cpp ---

// Propeller's GenerateUniqueID: children are named after their parent and its attempt.
std::string ChildId(const std::string& parent, const std::string& spec_id);

// Resolves promises against the finished nodes of one scope.
class ScopeOutputs final : public OutputLookup {
 public:
  ScopeOutputs(const ExecutionRun& run, const Scope& scope) : run_(run), scope_(scope) {}
  StatusOr<const flyteidl::core::LiteralMap*> Outputs(const std::string& node_id) const override;

 private:
  const ExecutionRun& run_;
  const Scope& scope_;
};

flyteidl::core::ExecutionError SystemError(std::string code, std::string message);
flyteidl::core::ExecutionError UserError(std::string code, std::string message);

// Marks the node changed at `now` (it is written with the step).
void Touch(ExecutionRun& run, NodeRun& node, int64_t now);
// True for a node listed in its scope (false for a branch's taken node).
bool IsScopeMember(const Scope& scope, const NodeRun& node);
// Counts a terminal node in its scope (and remembers the first failure).
void CountTerminal(Scope& scope, const NodeRun& node);
// Marks `spec_id` of `scope` for the next pass, and the scope's owner in its own scope.
void MarkCandidate(ExecutionRun& run, Scope& scope, const std::string& spec_id);
// Sets the node's phase; reaching a terminal phase makes its dependents candidates.
void Finish(ExecutionRun& run, NodeRun& node, NodePhase phase, int64_t now);
void FailNode(ExecutionRun& run, NodeRun& node, flyteidl::core::ExecutionError error, int64_t now);
// Succeeds a node that ran no task of its own (parents, gates, launch plans, cache hits, arrays):
// its outputs are kept where a task's would be (its last attempt's folder), so output_uri and a
// restart find them the same way. Returns that outputs.pb key.
std::string SucceedWithOutputs(const StepContext& context, ExecutionRun& run, NodeRun& node,
                               flyteidl::core::LiteralMap outputs, int64_t now);
// The node's resolved inputs as stored in its inputs.pb (empty when unreadable).
flyteidl::core::LiteralMap StoredInputs(const StepContext& context, const ExecutionRun& run, const NodeRun& node);

const flyteidl::core::TaskTemplate* FindTask(const ExecutionRun& run, const flyteidl::core::Identifier& id);
const flyteidl::core::CompiledWorkflow* FindSubWorkflow(const ExecutionRun& run, const flyteidl::core::Identifier& id);
bool IsSentinel(const std::string& id);
// Whether a running node counts against max_parallelism (propeller counts tasks and launch plans).
bool CountsForParallelism(const NodeRun& node);
// Makes the node a candidate wherever it lives (a branch's taken node through its branch).
void MarkForLook(ExecutionRun& run, const NodeRun& node);
// Creates the (not yet started) node runs of a scope.
void AddScopeNodes(ExecutionRun& run, Scope& scope, int64_t now);

void SetExecutionPhase(ExecutionRun& run, flyteidl::core::WorkflowExecution::Phase phase, int64_t now);

struct ScopeStatus {
  bool done = false;
  const NodeRun* failed = nullptr;
};
ScopeStatus StatusOf(const ExecutionRun& run, const Scope& scope);
bool FailImmediately(const ExecutionRun& run);

// --- task_node.cpp ---

plugins::AttemptId AttemptIdOf(const ExecutionRun& run, const std::string& node_id, int attempt);
// Starts the node's next attempt.
void StartAttempt(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects);
// Applies a finished attempt: success, another attempt, or failure with Flyte's message.
void ApplyAttemptResult(const StepContext& context, ExecutionRun& run, NodeRun& node, int attempt,
                        const plugins::AttemptStatus& status, std::vector<Effect>& effects);
// Aborts attempts that ran past their timeout.
void ApplyTimeouts(const StepContext& context, ExecutionRun& run, std::vector<Effect>& effects);
// Reads the node's stored task records (one per attempt).
void LoadTaskRecords(const StepContext& context, const ExecutionRun& run, NodeRun& node);
// Re-attaches the running attempt of a restored task node, or judges it by what it left.
void RestoreAttempt(const StepContext& context, ExecutionRun& run, NodeRun& node, const store::NodeExecutionRow& row,
                    std::vector<Effect>& effects);

// --- parent_nodes.cpp ---

const flyteidl::core::Node* FindBranchTarget(const flyteidl::core::BranchNode& branch, const std::string& id);
// Selects the branch to take; the taken node runs as a child resolving in the branch's scope.
void StartBranch(ExecutionRun& run, NodeRun& node, const flyteidl::core::LiteralMap& inputs, int64_t now);
// Creates the child scope of a sub-workflow node.
void StartSubWorkflow(ExecutionRun& run, NodeRun& node, flyteidl::core::LiteralMap inputs, int64_t now);
// Moves a running parent node on from its children; finishes it when they are done.
void AdvanceParent(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects);

// --- dynamic_node.cpp ---

// After a successful attempt that wrote futures.pb: compiles the dynamic workflow (stored as
// futures_compiled.pb), and the node runs it as a child scope.
void StartDynamic(const StepContext& context, ExecutionRun& run, NodeRun& node,
                  const flyteidl::core::TypedInterface& interface);
// For a restored running task node: true (and its child scope rebuilt, children not yet
// restored) when its last attempt had become a dynamic workflow.
bool ResumeDynamic(const StepContext& context, ExecutionRun& run, NodeRun& node);

// --- recovered_node.cpp ---

// In an execution recovering another: finishes a node that succeeded there with the outputs it
// had (phase RECOVERED, nothing run); false when the node must run.
bool RecoverNode(const StepContext& context, ExecutionRun& run, NodeRun& node);

// --- launch_plan_node.cpp ---

// Launches (or, after a restart, finds) the child execution of a launch plan node.
void StartLaunchPlan(const StepContext& context, ExecutionRun& run, NodeRun& node,
                     const flyteidl::core::LiteralMap& inputs);
// Finishes the node once its child execution has finished.
void AdvanceLaunchPlan(const StepContext& context, ExecutionRun& run, NodeRun& node);
store::ExecutionKey ChildExecutionKey(const ExecutionRun& run, const NodeRun& node);

// --- cached_task.cpp ---

// Before a cached task node's first attempt: true when the node must not start one now (a cache
// hit finished it, or another run holds the key's reservation and this one waits).
bool WaitForCache(const StepContext& context, ExecutionRun& run, NodeRun& node);
// After a successful attempt of a cached task: stores its outputs (CACHE_POPULATED).
void PopulateCache(const StepContext& context, ExecutionRun& run, NodeRun& node, int attempt);
// After a failed or aborted cached task: gives up its reservation.
void ReleaseCache(const StepContext& context, ExecutionRun& run, NodeRun& node);
// Makes nodes waiting for another run's reservation candidates when it is time to look again.
void WakeCacheWaiters(const StepContext& context, ExecutionRun& run);

// --- array_node.cpp ---

// Checks the array's inputs, sizes it and starts its first items.
void StartArray(const StepContext& context, ExecutionRun& run, NodeRun& node, const flyteidl::core::LiteralMap& inputs,
                std::vector<Effect>& effects);
// Starts more items as others finish; finishes the array by its success criteria.
void AdvanceArray(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects);
// Counts a finished item in its array.
void NoteItemFinished(ExecutionRun& run, const NodeRun& item);
// Rebuilds a running array and adds its (not yet restored) items, by their stored ids.
void RestoreArray(const StepContext& context, ExecutionRun& run, NodeRun& node,
                  const flyteidl::core::LiteralMap& inputs, const std::vector<std::string>& item_ids);
// Counts an item in its array by its stored phase, before the item itself is restored.
void CountRestoredItem(ExecutionRun& run, const NodeRun& item, NodePhase stored);

// --- gate_node.cpp ---

// Declares the gate's signal (or notes its wake time) and waits.
void StartGate(const StepContext& context, ExecutionRun& run, NodeRun& node);
// Finishes the gate once its time has come or its signal is set.
void AdvanceGate(const StepContext& context, ExecutionRun& run, NodeRun& node);
// When a sleep gate wakes up (unix ms).
int64_t GateWakeTime(const NodeRun& node);
// Makes sleep gates whose time has come candidates.
void WakeSleepers(const StepContext& context, ExecutionRun& run);

// --- failure_node.cpp ---

// The workflow's failure node as a (not yet started) top-level node run.
NodeRun& AddFailureNode(ExecutionRun& run, int64_t now);
// Runs the failure node after `failed` failed the workflow; true while it is still running.
bool RunFailureNode(const StepContext& context, ExecutionRun& run, const NodeRun& failed, std::vector<Effect>& effects);
// Fills the failure node's `err` input with the failure, as propeller does.
void AddErrorInput(const ExecutionRun& run, const NodeRun& node, flyteidl::core::LiteralMap& inputs);

// --- workflow_step.cpp ---

void StartNode(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects);
void AbortNode(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects, int64_t now);
// Moves a running node on by its kind (parents from their children, launch plans from their child).
void AdvanceRunning(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects);
// Advances every candidate node of a scope until nothing changes; returns the scope's status.
ScopeStatus AdvanceScope(const StepContext& context, ExecutionRun& run, Scope& scope, std::vector<Effect>& effects);

}  // namespace flyte::engine
