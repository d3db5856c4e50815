// The admin messages the API serves for an execution, built from the executor's state:
// NodeExecution and TaskExecution records, and phase conversions in both directions.
#pragma once

#include "engine/run_state.h"
#include "flyteidl/admin/node_execution.pb.h"
#include "store/blob_store.h"

namespace flyte::engine {

flyteidl::core::NodeExecution::Phase ToNodeExecutionPhase(NodePhase phase);
NodePhase FromNodeExecutionPhase(flyteidl::core::NodeExecution::Phase phase);

// The node's record as of its last change (output_uri points at its outputs when it succeeded).
flyteidl::admin::NodeExecution NodeRecord(const ExecutionRun& run, const NodeRun& node, store::BlobStore& blobs);

// A fresh record for attempt `attempt` of a task node, RUNNING since `now`.
flyteidl::admin::TaskExecution NewTaskRecord(const ExecutionRun& run, const NodeRun& node, int attempt,
                                             const flyteidl::core::Identifier& task_id, const std::string& task_type,
                                             const std::string& input_uri, const std::string& log_url, int64_t now);

// Closes an attempt's record with its phase, outputs URI or error.
void FinishTaskRecord(flyteidl::admin::TaskExecution& record, flyteidl::core::TaskExecution::Phase phase,
                      const std::string& output_uri, const flyteidl::core::ExecutionError* error, int64_t now);

}  // namespace flyte::engine
