// Parent nodes: branches (the taken node runs as a child), inline sub-workflows, and dynamic
// tasks running their workflow (started in dynamic_node.cpp).
#include "engine/step_ops.h"

#include "engine/bindings.h"
#include "engine/branch_eval.h"

namespace flyte::engine {

const flyteidl::core::Node* FindBranchTarget(const flyteidl::core::BranchNode& branch, const std::string& id) {
  const auto& block = branch.if_else();
  if (block.case_().then_node().id() == id) return &block.case_().then_node();
  for (const auto& other : block.other()) {
    if (other.then_node().id() == id) return &other.then_node();
  }
  if (block.has_else_node() && block.else_node().id() == id) return &block.else_node();
  return nullptr;
}

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
  child.spec = target;
  child.scope = node.scope;
  child.created_at = now;
  node.branch_child = child_id;
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
    SucceedWithOutputs(context, run, node, *std::move(outputs), now);
  } else {
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
}

}  // namespace flyte::engine
