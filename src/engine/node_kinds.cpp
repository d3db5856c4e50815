// The registration of node kinds: which kind a spec is, and each kind's handler. A new node kind
// is its own file (a NodeHandler and its accessor) plus its lines here.
#include "engine/node_kinds.h"

#include <array>
#include <string>

#include "engine/node_handler.h"
#include "engine/run_graph.h"

namespace flyte::engine {

// Each kind's handler, defined in its file.
const NodeHandler& TaskNodeHandler();         // task_node.cpp
const NodeHandler& DynamicNodeHandler();      // dynamic_node.cpp
const NodeHandler& BranchNodeHandler();       // branch_node.cpp
const NodeHandler& SubWorkflowNodeHandler();  // sub_workflow_node.cpp
const NodeHandler& LaunchPlanNodeHandler();   // launch_plan_node.cpp
const NodeHandler& GateNodeHandler();         // gate_node.cpp
const NodeHandler& ArrayNodeHandler();        // array_node.cpp
const NodeHandler& UnsupportedNodeHandler();  // below

namespace {

// A spec this sandbox cannot run (e.g. a workflow node naming neither a sub-workflow nor a launch
// plan): its node fails when it starts.
class UnsupportedHandler final : public NodeHandler {
 public:
  void Start(const StepContext& context, ExecutionRun& run, NodeRun& node, flyteidl::core::LiteralMap,
             std::vector<Effect>&) const override {
    FailNode(run, node,
             SystemError("NotSupported", "node " + node.spec->id() + " is of a kind this sandbox does not run"),
             context.clock.NowMillis());
  }
  void Advance(const StepContext&, ExecutionRun&, NodeRun&, std::vector<Effect>&) const override {}
  void Abort(const StepContext&, ExecutionRun&, NodeRun&, std::vector<Effect>&, int64_t) const override {}
  void Restore(RunRestore&, NodeRun&) const override {}
  bool CountsForParallelism() const override { return false; }
};

// The registration, in NodeKind's order.
const std::array<const NodeHandler*, 8> kHandlers = {
    &TaskNodeHandler(),       &DynamicNodeHandler(), &BranchNodeHandler(), &SubWorkflowNodeHandler(),
    &LaunchPlanNodeHandler(), &GateNodeHandler(),    &ArrayNodeHandler(),  &UnsupportedNodeHandler(),
};

}  // namespace

const NodeHandler& UnsupportedNodeHandler() { return HandlerInstance<UnsupportedHandler>(); }

NodeKind KindOf(const flyteidl::core::Node& spec) {
  switch (spec.target_case()) {
    case flyteidl::core::Node::kTaskNode:
      return NodeKind::kTask;
    case flyteidl::core::Node::kBranchNode:
      return NodeKind::kBranch;
    case flyteidl::core::Node::kWorkflowNode:
      if (spec.workflow_node().has_sub_workflow_ref()) return NodeKind::kSubWorkflow;
      if (spec.workflow_node().has_launchplan_ref()) return NodeKind::kLaunchPlan;
      return NodeKind::kUnsupported;
    case flyteidl::core::Node::kGateNode:
      return NodeKind::kGate;
    case flyteidl::core::Node::kArrayNode:
      return NodeKind::kArray;
    default:
      return NodeKind::kUnsupported;
  }
}

const NodeHandler& HandlerOf(NodeKind kind) { return *kHandlers[static_cast<size_t>(kind)]; }

}  // namespace flyte::engine
