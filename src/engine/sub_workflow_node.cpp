// Sub-workflow nodes: the workflow (compiled into the execution's closure) runs inline as the
// node's child scope (child_scope.h).
#include "engine/child_scope.h"
#include "engine/node_handler.h"
#include "engine/run_graph.h"
#include "engine/run_loader.h"

namespace flyte::engine {
namespace {

// Creates the child scope of a sub-workflow node.
void StartSubWorkflow(ExecutionRun& run, NodeRun& node, flyteidl::core::LiteralMap inputs, int64_t now) {
  const auto* workflow = FindSubWorkflow(run, node.spec->workflow_node().sub_workflow_ref());
  if (workflow == nullptr) {
    FailNode(run, node, SystemError("SubWorkflowNotFound", "sub-workflow of node " + node.spec->id() + " is missing"),
             now);
    return;
  }
  OpenChildScope(run, node, workflow, std::move(inputs), now);
}

class SubWorkflowHandler final : public NodeHandler {
 public:
  void Start(const StepContext& context, ExecutionRun& run, NodeRun& node, flyteidl::core::LiteralMap inputs,
             std::vector<Effect>&) const override {
    StartSubWorkflow(run, node, std::move(inputs), context.clock.NowMillis());
    // Look again in this step: the sub-workflow starts its nodes.
    if (node.phase == NodePhase::kRunning) MarkForLook(run, node);
  }
  void Advance(const StepContext& context, ExecutionRun& run, NodeRun& node,
               std::vector<Effect>& effects) const override {
    if (node.child_scope) AdvanceChildScope(context, run, node, effects);
  }
  void Abort(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects,
             int64_t now) const override {
    if (node.child_scope) AbortChildScope(context, run, node, effects, now);
  }
  void Restore(RunRestore& restore, NodeRun& node) const override {
    StartSubWorkflow(restore.run, node, StoredInputs(restore.context, restore.run, node),
                     restore.context.clock.NowMillis());
    if (node.child_scope) restore.RestoreScope(*node.child_scope);
  }
  bool CountsForParallelism() const override { return false; }
};

}  // namespace

const NodeHandler& SubWorkflowNodeHandler() { return HandlerInstance<SubWorkflowHandler>(); }

}  // namespace flyte::engine
