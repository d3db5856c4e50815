// Dynamic task nodes: an attempt that wrote futures.pb turns its task node into a parent running
// the compiled workflow as a child scope (NodeKind::kDynamic); the node's outputs bind from it.
#include "engine/dynamic_node.h"

#include "engine/cached_task.h"
#include "engine/child_scope.h"
#include "engine/data_layout.h"
#include "engine/dynamic_workflow.h"
#include "engine/node_handler.h"
#include "engine/run_graph.h"
#include "engine/task_node.h"

namespace flyte::engine {
namespace {

std::string LastAttemptDir(const ExecutionRun& run, const NodeRun& node) {
  return AttemptDir(run.key, node.id, node.attempts - 1);
}

// The node runs `closure` (kept in the run) in a child scope that sees the node's inputs.
void BecomeParent(const StepContext& context, ExecutionRun& run, NodeRun& node,
                  flyteidl::core::CompiledWorkflowClosure closure) {
  const bool counted = CountsForParallelism(node);
  const auto& kept = run.dynamic_closures[node.id] = std::move(closure);
  node.kind = NodeKind::kDynamic;
  // The task's own process is done: its slot and its timeout no longer apply.
  if (counted) run.running_limited -= 1;
  run.timed_nodes.erase(node.id);
  OpenChildScope(run, node, &kept.primary(), StoredInputs(context, run, node), context.clock.NowMillis());
}

// A dynamic node runs its workflow's nodes; it starts, and is reloaded after a restart, as the task
// node it was (TaskHandler), which turns it into one again (StartDynamic, ResumeDynamic).
class DynamicHandler final : public NodeHandler {
 public:
  void Start(const StepContext& context, ExecutionRun& run, NodeRun& node, flyteidl::core::LiteralMap inputs,
             std::vector<Effect>& effects) const override {
    HandlerOf(NodeKind::kTask).Start(context, run, node, std::move(inputs), effects);
  }
  void Advance(const StepContext& context, ExecutionRun& run, NodeRun& node,
               std::vector<Effect>& effects) const override {
    AdvanceChildScope(context, run, node, effects);
  }
  void Abort(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects,
             int64_t now) const override {
    AbortChildScope(context, run, node, effects, now);
    ReleaseCache(context, run, node);
  }
  void Restore(RunRestore& restore, NodeRun& node) const override { HandlerOf(NodeKind::kTask).Restore(restore, node); }
  // Its children take the slots.
  bool CountsForParallelism() const override { return false; }
};

}  // namespace

void StartDynamic(const StepContext& context, ExecutionRun& run, NodeRun& node,
                  const flyteidl::core::TypedInterface& interface) {
  const int64_t now = context.clock.NowMillis();
  const std::string dir = LastAttemptDir(run, node);
  flyteidl::core::DynamicJobSpec spec;
  auto bytes = context.blobs.Get(dir + "/" + kFuturesFile);
  if (!bytes.ok() || !spec.ParseFromString(*bytes)) {
    return FailNode(run, node,
                    SystemError("DynamicJobSpecBadFormat", "futures.pb written by the task could not be read"), now);
  }
  flyteidl::core::Identifier id;
  id.set_resource_type(flyteidl::core::WORKFLOW);
  id.set_project(run.key.project);
  id.set_domain(run.key.domain);
  id.set_name("dynamic_" + node.id);
  id.set_version(run.key.name);
  auto closure = CompileDynamicWorkflow(spec, interface, id, context.control_plane.launch_plan);
  if (!closure.ok()) {
    return FailNode(run, node, UserError("DynamicWorkflowBuildFailed", std::string(closure.status().message())), now);
  }
  // Kept before anything runs: after a restart the node's children are rebuilt from this file.
  if (Status written = context.blobs.Put(dir + "/" + kFuturesCompiledFile, closure->SerializeAsString());
      !written.ok()) {
    return FailNode(run, node, SystemError("DynamicWorkflowNotWritten", std::string(written.message())), now);
  }
  BecomeParent(context, run, node, *std::move(closure));
  Touch(run, node, now);
  MarkForLook(run, node);
}

bool ResumeDynamic(const StepContext& context, ExecutionRun& run, NodeRun& node) {
  if (node.attempts == 0) return false;
  LoadTaskRecords(context, run, node);
  // The attempt's success is committed in the same step as the node's children: without it the
  // attempt is judged again (and its workflow compiled again).
  auto record = node.task_records.find(node.attempts - 1);
  if (record == node.task_records.end() ||
      record->second.closure().phase() != flyteidl::core::TaskExecution::SUCCEEDED) {
    return false;
  }
  auto bytes = context.blobs.Get(LastAttemptDir(run, node) + "/" + kFuturesCompiledFile);
  flyteidl::core::CompiledWorkflowClosure closure;
  if (!bytes.ok() || !closure.ParseFromString(*bytes)) return false;
  BecomeParent(context, run, node, std::move(closure));
  return true;
}

const NodeHandler& DynamicNodeHandler() { return HandlerInstance<DynamicHandler>(); }

}  // namespace flyte::engine
