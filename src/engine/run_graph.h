// Run bookkeeping every node kind shares: errors, phase changes and what they make candidates,
// scope membership and status, max_parallelism accounting, and finding tasks and sub-workflows.
#pragma once

#include <string>

#include "engine/bindings.h"
#include "engine/workflow_step.h"

namespace flyte::engine {

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
// restart find them the same way. Returns that outputs.pb key; when they cannot be written (a
// full disk) the node fails with a system error saying why, and the key returned is empty.
std::string SucceedWithOutputs(const StepContext& context, ExecutionRun& run, NodeRun& node,
                               flyteidl::core::LiteralMap outputs, int64_t now);
// The node's resolved inputs as stored in its inputs.pb (empty when unreadable).
flyteidl::core::LiteralMap StoredInputs(const StepContext& context, const ExecutionRun& run, const NodeRun& node);

const flyteidl::core::TaskTemplate* FindTask(const ExecutionRun& run, const flyteidl::core::Identifier& id);
const flyteidl::core::CompiledWorkflow* FindSubWorkflow(const ExecutionRun& run, const flyteidl::core::Identifier& id);
bool IsSentinel(const std::string& id);
// Whether a running node counts against max_parallelism (propeller counts tasks and launch plans;
// this sandbox arrays too), as its kind's handler says.
bool CountsForParallelism(const NodeRun& node);
// Makes the node a candidate wherever it lives (a branch's taken node through its branch).
void MarkForLook(ExecutionRun& run, const NodeRun& node);
// Gives the node its spec and the kind it runs as (KindOf the spec).
void SetSpec(NodeRun& node, const flyteidl::core::Node* spec);
// Creates the (not yet started) node runs of a scope.
void AddScopeNodes(ExecutionRun& run, Scope& scope, int64_t now);

void SetExecutionPhase(ExecutionRun& run, flyteidl::core::WorkflowExecution::Phase phase, int64_t now);

struct ScopeStatus {
  bool done = false;
  const NodeRun* failed = nullptr;
};
ScopeStatus StatusOf(const ExecutionRun& run, const Scope& scope);
bool FailImmediately(const ExecutionRun& run);

}  // namespace flyte::engine
