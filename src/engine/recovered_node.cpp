// Recovered nodes: in an execution recovering a failed one (mode RECOVERED), a node that
// succeeded in the reference execution is not run again; it takes the outputs it had there.
#include "engine/recovered_node.h"

#include "engine/data_layout.h"
#include "engine/records.h"
#include "engine/run_graph.h"

namespace flyte::engine {

bool RecoverNode(const StepContext& context, ExecutionRun& run, NodeRun& node) {
  const auto& metadata = run.record.spec().metadata();
  if (metadata.mode() != flyteidl::admin::ExecutionMetadata::RECOVERED || !metadata.has_reference_execution()) {
    return false;
  }
  const auto& reference = metadata.reference_execution();
  auto row = context.executions.GetNodeExecution({reference.project(), reference.domain(), reference.name()}, node.id);
  if (!row.ok() ||
      FromNodeExecutionPhase(static_cast<flyteidl::core::NodeExecution::Phase>(row->phase)) != NodePhase::kSucceeded) {
    return false;
  }
  flyteidl::admin::NodeExecution record;
  if (!record.ParseFromString(row->payload)) return false;
  StatusOr<std::string> outputs_key = context.blobs.KeyOf(record.closure().output_uri());
  StatusOr<std::string> bytes = outputs_key.ok() ? context.blobs.Get(*outputs_key) : outputs_key.status();
  flyteidl::core::LiteralMap outputs;
  if (!bytes.ok() || !outputs.ParseFromString(*bytes)) return false;  // nothing to reuse: the node runs again
  // Copied where the node's own outputs would be, so its output_uri (and a restart) finds them.
  if (!context.blobs.Put(AttemptDir(run.key, node.id, 0) + "/outputs.pb", *bytes).ok()) return false;
  node.outputs = std::move(outputs);
  node.recovered = true;
  Finish(run, node, NodePhase::kSucceeded, context.clock.NowMillis());
  return true;
}

}  // namespace flyte::engine
