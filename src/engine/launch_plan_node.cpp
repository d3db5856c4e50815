// Launch plan nodes: the launch plan runs as a child execution (mode CHILD_WORKFLOW, linked to
// this node); the node waits for it and takes its outputs or its error.
#include "common/digest.h"
#include "engine/data_layout.h"
#include "engine/node_handler.h"
#include "engine/run_graph.h"
#include "engine/run_loader.h"

namespace flyte::engine {
namespace {

store::ExecutionKey ChildExecutionKey(const ExecutionRun& run, const NodeRun& node) {
  // Stable across restarts, unique per parent node; the shape of FlyteAdmin's generated names.
  const std::string digest = HexEncode(Sha256(run.key.project + "/" + run.key.domain + "/" + run.key.name + "/" +
                                              node.id + "/" + std::to_string(std::max(0, node.attempts - 1))));
  return {run.key.project, run.key.domain, "c" + digest.substr(0, 19)};
}

// Launches (or, after a restart, finds) the child execution of a launch plan node.
void StartLaunchPlan(const StepContext& context, ExecutionRun& run, NodeRun& node,
                     const flyteidl::core::LiteralMap& inputs) {
  node.attempts = std::max(node.attempts, 1);
  ChildLaunch launch;
  launch.key = ChildExecutionKey(run, node);
  launch.launch_plan = node.spec->workflow_node().launchplan_ref();
  launch.inputs = inputs;
  launch.parent.set_node_id(node.id);
  auto* parent = launch.parent.mutable_execution_id();
  parent->set_project(run.key.project);
  parent->set_domain(run.key.domain);
  parent->set_name(run.key.name);
  launch.nesting = run.record.spec().metadata().nesting() + 1;
  launch.principal = run.record.spec().metadata().principal();
  Status launched = context.control_plane.launch_child
                        ? context.control_plane.launch_child(launch)
                        : absl::FailedPreconditionError("no control plane to create child executions");
  if (!launched.ok() && !absl::IsAlreadyExists(launched)) {
    FailNode(run, node,
             UserError("ChildExecutionNotCreated", "launch plan " + launch.launch_plan.name() + " of node " +
                                                       node.spec->id() + ": " + std::string(launched.message())),
             context.clock.NowMillis());
    return;
  }
  node.child_execution = launch.key.name;
  run.waiting.insert(node.id);
  // The child may have finished already (a restart): look at it in this step too.
  MarkForLook(run, node);
}

// Finishes the node once its child execution has finished.
void AdvanceLaunchPlan(const StepContext& context, ExecutionRun& run, NodeRun& node) {
  auto row = context.executions.GetExecution(ChildExecutionKey(run, node));
  if (!row.ok() || !row->terminal) return;
  const int64_t now = context.clock.NowMillis();
  flyteidl::admin::Execution child;
  (void)child.ParseFromString(row->payload);
  switch (child.closure().phase()) {
    case flyteidl::core::WorkflowExecution::SUCCEEDED: {
      flyteidl::core::LiteralMap outputs;
      if (auto bytes = context.blobs.Get(ExecutionOutputsKey(row->key)); bytes.ok()) {
        (void)outputs.ParseFromString(*bytes);
      }
      SucceedWithOutputs(context, run, node, std::move(outputs), now);
      return;
    }
    case flyteidl::core::WorkflowExecution::FAILED:
    case flyteidl::core::WorkflowExecution::TIMED_OUT:
      FailNode(run, node, child.closure().error(), now);
      return;
    default:
      FailNode(run, node,
               UserError("ChildExecutionAborted", "child execution " + row->key.name +
                                                      " was aborted: " + child.closure().abort_metadata().cause()),
               now);
      return;
  }
}

class LaunchPlanHandler final : public NodeHandler {
 public:
  void Start(const StepContext& context, ExecutionRun& run, NodeRun& node, flyteidl::core::LiteralMap inputs,
             std::vector<Effect>&) const override {
    StartLaunchPlan(context, run, node, inputs);
  }
  void Advance(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>&) const override {
    if (!node.child_execution.empty()) AdvanceLaunchPlan(context, run, node);
  }
  void Abort(const StepContext&, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects,
             int64_t) const override {
    if (!node.child_execution.empty()) {
      effects.push_back({Effect::Kind::kTerminateChild, {}, {}, ChildExecutionKey(run, node)});
    }
  }
  // Launching again finds the child made before the restart.
  void Restore(RunRestore& restore, NodeRun& node) const override {
    StartLaunchPlan(restore.context, restore.run, node, StoredInputs(restore.context, restore.run, node));
  }
  bool CountsForParallelism() const override { return true; }
};

}  // namespace

const NodeHandler& LaunchPlanNodeHandler() { return HandlerInstance<LaunchPlanHandler>(); }

}  // namespace flyte::engine
