// Branch nodes: the branch taken (if/elif/else, branch_eval.h) runs as the node's one child,
// resolving its bindings in the branch's scope; the node takes its outputs or its error.
#include "engine/branch_eval.h"
#include "engine/node_handler.h"
#include "engine/run_graph.h"
#include "engine/run_loader.h"
#include "engine/scope_walk.h"
#include "flyteidl/admin/node_execution.pb.h"

namespace flyte::engine {
namespace {

const flyteidl::core::Node* FindBranchTarget(const flyteidl::core::BranchNode& branch, const std::string& id) {
  const auto& block = branch.if_else();
  if (block.case_().then_node().id() == id) return &block.case_().then_node();
  for (const auto& other : block.other()) {
    if (other.then_node().id() == id) return &other.then_node();
  }
  if (block.has_else_node() && block.else_node().id() == id) return &block.else_node();
  return nullptr;
}

// Selects the branch to take; the taken node runs as a child resolving in the branch's scope.
void StartBranch(ExecutionRun& run, NodeRun& node, const flyteidl::core::LiteralMap& inputs, int64_t now) {
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
  SetSpec(child, target);
  child.scope = node.scope;
  child.created_at = now;
  node.branch_child = child_id;
}

class BranchHandler final : public NodeHandler {
 public:
  void Start(const StepContext& context, ExecutionRun& run, NodeRun& node, flyteidl::core::LiteralMap inputs,
             std::vector<Effect>&) const override {
    StartBranch(run, node, inputs, context.clock.NowMillis());
    // Look again in this step: the branch starts its child.
    if (node.phase == NodePhase::kRunning) MarkForLook(run, node);
  }
  void Advance(const StepContext& context, ExecutionRun& run, NodeRun& node,
               std::vector<Effect>& effects) const override {
    if (node.branch_child.empty()) return;
    const int64_t now = context.clock.NowMillis();
    NodeRun& child = run.nodes[node.branch_child];
    if (child.phase == NodePhase::kNotYetStarted) StartNode(context, run, child, effects);
    if (child.phase == NodePhase::kRunning) AdvanceRunning(context, run, child, effects);
    if (!IsTerminal(child.phase)) return;
    if (child.phase != NodePhase::kSucceeded) {
      FailNode(run, node, child.error.value_or(SystemError("BranchFailed", "branch failed")), now);
      return;
    }
    SucceedWithOutputs(context, run, node, child.outputs.value_or(flyteidl::core::LiteralMap()), now);
  }
  void Abort(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects,
             int64_t now) const override {
    if (!node.branch_child.empty()) AbortNode(context, run, run.nodes[node.branch_child], effects, now);
  }
  // The child taken before the restart is found by its row; without one the branch is taken again.
  void Restore(RunRestore& restore, NodeRun& node) const override {
    ExecutionRun& run = restore.run;
    for (const auto& [id, child_row] : restore.rows) {
      if (child_row.parent_id != node.id) continue;
      flyteidl::admin::NodeExecution child_record;
      (void)child_record.ParseFromString(child_row.payload);
      NodeRun& child = run.nodes[id];
      child.id = id;
      child.parent_id = node.id;
      SetSpec(child, FindBranchTarget(node.spec->branch_node(), child_record.metadata().spec_node_id()));
      child.scope = node.scope;
      node.branch_child = id;
      if (child.spec != nullptr) restore.RestoreNode(child);
    }
    if (node.branch_child.empty()) {
      StartBranch(run, node, StoredInputs(restore.context, run, node), restore.context.clock.NowMillis());
    }
  }
  bool CountsForParallelism() const override { return false; }
};

}  // namespace

const NodeHandler& BranchNodeHandler() { return HandlerInstance<BranchHandler>(); }

}  // namespace flyte::engine
