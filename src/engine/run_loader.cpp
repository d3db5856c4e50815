// Rebuilding a run from its stored rows after a restart (or for a new execution, from nothing).
#include "engine/run_loader.h"

#include <google/protobuf/util/time_util.h>

#include "engine/data_layout.h"
#include "engine/failure_node.h"
#include "engine/node_handler.h"
#include "engine/records.h"
#include "engine/run_graph.h"

namespace flyte::engine {

using google::protobuf::util::TimeUtil;

void RunRestore::RestoreScope(Scope& scope) {
  AddScopeNodes(run, scope, context.clock.NowMillis());
  for (const auto& [spec_id, id] : scope.unique_ids) RestoreNode(run.nodes[id]);
}

void RunRestore::RestoreNode(NodeRun& node) {
  auto found = rows.find(node.id);
  if (found == rows.end()) return;
  const store::NodeExecutionRow& row = found->second;
  flyteidl::admin::NodeExecution record;
  (void)record.ParseFromString(row.payload);
  node.phase = FromNodeExecutionPhase(static_cast<flyteidl::core::NodeExecution::Phase>(row.phase));
  static_cast<store::NodeProgress&>(node) = row.progress;
  node.created_at = row.created_at;
  node.updated_at = row.updated_at;
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
  HandlerOf(node.kind).Restore(*this, node);
}

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
  RunRestore restore{context, *run, by_id, effects};
  restore.RestoreScope(run->root);
  if (const auto& workflow = run->root.workflow->template_();
      workflow.has_failure_node() && by_id.contains(workflow.failure_node().id())) {
    run->failure_node = &AddFailureNode(*run, row.created_at);
    restore.RestoreNode(*run->failure_node);
  }
  return run;
}

}  // namespace flyte::engine
