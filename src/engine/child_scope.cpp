// A node running a child scope (a sub-workflow, a dynamic task's workflow): its children are named
// `<parent>-0-<id>` as propeller names them; the node's outputs bind from the workflow's outputs.
#include "engine/child_scope.h"

#include "engine/run_graph.h"
#include "engine/scope_walk.h"

namespace flyte::engine {

void OpenChildScope(ExecutionRun& run, NodeRun& node, const flyteidl::core::CompiledWorkflow* workflow,
                    flyteidl::core::LiteralMap inputs, int64_t now) {
  node.child_scope = std::make_unique<Scope>();
  node.child_scope->workflow = workflow;
  node.child_scope->parent_id = node.id;
  node.child_scope->inputs = std::move(inputs);
  AddScopeNodes(run, *node.child_scope, now);
}

void AdvanceChildScope(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects) {
  const int64_t now = context.clock.NowMillis();
  ScopeStatus child = AdvanceScope(context, run, *node.child_scope, effects);
  if (child.failed != nullptr && (child.done || FailImmediately(run))) {
    AbortChildScope(context, run, node, effects, now);
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
}

void AbortChildScope(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects,
                     int64_t now) {
  for (const auto& [spec_id, id] : node.child_scope->unique_ids) AbortNode(context, run, run.nodes[id], effects, now);
}

}  // namespace flyte::engine
