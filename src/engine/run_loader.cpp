// Rebuilding a run from its stored rows after a restart (or for a new execution, from nothing).
#include "engine/step_ops.h"

#include <google/protobuf/util/time_util.h>

#include "engine/data_layout.h"
#include "engine/records.h"

namespace flyte::engine {
namespace {

using google::protobuf::util::TimeUtil;

// Applies a stored node row (and, below it, its children's) to a freshly created node run.
void RestoreNode(const StepContext& context, const std::map<std::string, store::NodeExecutionRow>& rows,
                 ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects);

void RestoreScope(const StepContext& context, const std::map<std::string, store::NodeExecutionRow>& rows,
                  ExecutionRun& run, Scope& scope, std::vector<Effect>& effects) {
  AddScopeNodes(run, scope, context.clock.NowMillis());
  for (const auto& [spec_id, id] : scope.unique_ids) RestoreNode(context, rows, run, run.nodes[id], effects);
}

void RestoreNode(const StepContext& context, const std::map<std::string, store::NodeExecutionRow>& rows,
                 ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects) {
  auto found = rows.find(node.id);
  if (found == rows.end()) return;
  const store::NodeExecutionRow& row = found->second;
  flyteidl::admin::NodeExecution record;
  (void)record.ParseFromString(row.payload);
  node.phase = FromNodeExecutionPhase(static_cast<flyteidl::core::NodeExecution::Phase>(row.phase));
  node.attempts = row.attempts;
  node.system_failures = row.system_failures;
  node.pid = row.pid;
  node.created_at = row.created_at;
  node.updated_at = row.updated_at;
  node.attempt_started_at = row.attempt_started_at;
  if (record.closure().has_started_at())
    node.started_at = TimeUtil::TimestampToMilliseconds(record.closure().started_at());
  if (record.closure().has_error()) node.error = record.closure().error();
  const auto& task_metadata = record.closure().task_node_metadata();
  node.cache_status = task_metadata.cache_status() == flyteidl::core::CACHE_DISABLED ? 0 : task_metadata.cache_status();
  node.cache_source = task_metadata.catalog_key().source_task_execution();
  // Counted as stored; later transitions are counted by Finish.
  if (IsTerminal(node.phase) && IsScopeMember(*node.scope, node)) CountTerminal(*node.scope, node);
  if (node.phase == NodePhase::kRunning && CountsForParallelism(node)) run.running_limited += 1;
  if (node.phase == NodePhase::kSucceeded) {
    node.outputs.emplace();
    auto bytes = context.blobs.Get(AttemptDir(run.key, node.id, std::max(0, node.attempts - 1)) + "/outputs.pb");
    if (bytes.ok()) (void)node.outputs->ParseFromString(*bytes);
  }
  if (node.phase == NodePhase::kNotYetStarted || IsTerminal(node.phase)) return;
  if (node.spec->has_task_node()) {
    if (ResumeDynamic(context, run, node)) return RestoreScope(context, rows, run, *node.child_scope, effects);
    return RestoreAttempt(context, run, node, row, effects);
  }
  flyteidl::core::LiteralMap inputs = StoredInputs(context, run, node);
  if (node.spec->has_branch_node()) {
    for (const auto& [id, child_row] : rows) {
      if (child_row.parent_id != node.id) continue;
      flyteidl::admin::NodeExecution child_record;
      (void)child_record.ParseFromString(child_row.payload);
      NodeRun& child = run.nodes[id];
      child.id = id;
      child.parent_id = node.id;
      child.spec = FindBranchTarget(node.spec->branch_node(), child_record.metadata().spec_node_id());
      child.scope = node.scope;
      node.branch_child = id;
      if (child.spec != nullptr) RestoreNode(context, rows, run, child, effects);
    }
    if (node.branch_child.empty()) StartBranch(run, node, inputs, context.clock.NowMillis());
    return;
  }
  // Launching again finds the child made before the restart.
  if (node.spec->workflow_node().has_launchplan_ref()) return StartLaunchPlan(context, run, node, inputs);
  if (node.spec->has_gate_node()) return StartGate(context, run, node);
  if (node.spec->has_array_node()) {
    LoadTaskRecords(context, run, node);
    std::vector<std::string> item_ids;
    for (const auto& [id, child_row] : rows) {
      if (child_row.parent_id == node.id) item_ids.push_back(id);
    }
    RestoreArray(context, run, node, inputs, item_ids);
    for (const auto& id : item_ids) {
      // Counted as stored first: restoring may finish the item (its process ended meanwhile).
      CountRestoredItem(run, run.nodes[id],
                        FromNodeExecutionPhase(static_cast<flyteidl::core::NodeExecution::Phase>(rows.at(id).phase)));
      RestoreNode(context, rows, run, run.nodes[id], effects);
    }
    return;
  }
  StartSubWorkflow(run, node, std::move(inputs), context.clock.NowMillis());
  if (node.child_scope) RestoreScope(context, rows, run, *node.child_scope, effects);
}

}  // namespace

StatusOr<std::unique_ptr<ExecutionRun>> LoadRun(const StepContext& context, const store::ExecutionRow& row,
                                                std::vector<Effect>& effects) {
  auto run = std::make_unique<ExecutionRun>();
  run->key = row.key;
  run->row = row;
  if (!run->record.ParseFromString(row.payload)) return absl::DataLossError("execution record is corrupt");
  ASSIGN_OR_RETURN(std::string closure, context.blobs.Get(ExecutionClosureKey(row.key)));
  if (!run->closure.ParseFromString(closure))
    return absl::DataLossError("compiled workflow of the execution is corrupt");
  run->root.workflow = &run->closure.primary();
  if (auto inputs = context.blobs.Get(ExecutionInputsKey(row.key)); inputs.ok()) {
    (void)run->root.inputs.ParseFromString(*inputs);
  }
  ASSIGN_OR_RETURN(auto rows, context.executions.AllNodeExecutions(row.key));
  std::map<std::string, store::NodeExecutionRow> by_id;
  for (auto& node_row : rows) by_id.emplace(node_row.node_id, std::move(node_row));
  RestoreScope(context, by_id, *run, run->root, effects);
  if (const auto& workflow = run->root.workflow->template_();
      workflow.has_failure_node() && by_id.contains(workflow.failure_node().id())) {
    run->failure_node = &AddFailureNode(*run, row.created_at);
    RestoreNode(context, by_id, *run, *run->failure_node, effects);
  }
  return run;
}

}  // namespace flyte::engine
