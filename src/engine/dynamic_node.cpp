// Dynamic task nodes: an attempt that wrote futures.pb turns its node into a parent running the
// compiled workflow as a child scope; AdvanceParent binds the node's outputs from it.
#include "engine/data_layout.h"
#include "engine/dynamic_workflow.h"
#include "engine/step_ops.h"

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
  node.child_scope = std::make_unique<Scope>();
  node.child_scope->workflow = &kept.primary();
  node.child_scope->parent_id = node.id;
  node.child_scope->inputs = StoredInputs(context, run, node);
  // The task's own process is done: its slot and its timeout no longer apply.
  if (counted) run.running_limited -= 1;
  run.timed_nodes.erase(node.id);
  AddScopeNodes(run, *node.child_scope, context.clock.NowMillis());
}

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

}  // namespace flyte::engine
