// Task nodes: attempts through the plugin, their results, retries and timeouts. What other kinds
// and the execution's step use of them; the handler itself is in task_node.cpp.
#pragma once

#include <vector>

#include "engine/workflow_step.h"

namespace flyte::engine {

// Starts the node's next attempt (also an array's items, which are task node runs).
void StartAttempt(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects);
// Aborts attempts that ran past their timeout.
void ApplyTimeouts(const StepContext& context, ExecutionRun& run, std::vector<Effect>& effects);
// Reads the node's stored task records (one per attempt).
void LoadTaskRecords(const StepContext& context, const ExecutionRun& run, NodeRun& node);

}  // namespace flyte::engine
