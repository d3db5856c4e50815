// The workflow's failure node (`on_failure`): once the workflow has failed, it runs with the
// workflow's inputs and an `err` input describing the failure; then the workflow fails.
#include "engine/failure_node.h"

#include "engine/run_graph.h"
#include "engine/scope_walk.h"

namespace flyte::engine {
namespace {

// The interface the failure node's inputs follow: its task's, or its sub-workflow's.
const flyteidl::core::VariableMap* InputsOf(const ExecutionRun& run, const NodeRun& node) {
  if (node.spec->has_task_node()) {
    const auto* task = FindTask(run, node.spec->task_node().reference_id());
    return task == nullptr ? nullptr : &task->interface().inputs();
  }
  if (node.spec->workflow_node().has_sub_workflow_ref()) {
    const auto* workflow = FindSubWorkflow(run, node.spec->workflow_node().sub_workflow_ref());
    return workflow == nullptr ? nullptr : &workflow->template_().interface().inputs();
  }
  return nullptr;
}

}  // namespace

NodeRun& AddFailureNode(ExecutionRun& run, int64_t now) {
  const auto& spec = run.root.workflow->template_().failure_node();
  NodeRun& node = run.nodes[spec.id()];
  node.id = spec.id();
  SetSpec(node, &spec);
  node.scope = &run.root;
  node.created_at = now;
  return node;
}

bool RunFailureNode(const StepContext& context, ExecutionRun& run, const NodeRun& failed,
                    std::vector<Effect>& effects) {
  if (!run.root.workflow->template_().has_failure_node()) return false;
  const int64_t now = context.clock.NowMillis();
  if (run.failure_node == nullptr) {
    for (auto& [id, node] : run.nodes) AbortNode(context, run, node, effects, now);
    run.failure_cause = failed.error.value_or(SystemError("NodeFailed", "node " + failed.id + " failed"));
    run.failed_node_id = failed.id;
    run.failure_node = &AddFailureNode(run, now);
    SetExecutionPhase(run, flyteidl::core::WorkflowExecution::FAILING, now);
    StartNode(context, run, *run.failure_node, effects);
  } else if (run.failure_node->phase == NodePhase::kRunning) {
    AdvanceRunning(context, run, *run.failure_node, effects);
  }
  return !IsTerminal(run.failure_node->phase);
}

void AddErrorInput(const ExecutionRun& run, const NodeRun& node, flyteidl::core::LiteralMap& inputs) {
  const auto* variables = InputsOf(run, node);
  if (variables == nullptr || !variables->variables().contains("err")) return;
  flyteidl::core::Literal& err = (*inputs.mutable_literals())["err"];
  err.Clear();
  auto* union_value = err.mutable_scalar()->mutable_union_();
  auto* error = union_value->mutable_value()->mutable_scalar()->mutable_error();
  error->set_failed_node_id(run.failed_node_id);
  error->set_message(run.failure_cause.message());
  union_value->mutable_type()->set_simple(flyteidl::core::ERROR);
  union_value->mutable_type()->mutable_structure()->set_tag("FlyteError");
}

}  // namespace flyte::engine
