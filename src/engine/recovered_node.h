// Recovered nodes: in an execution recovering another (RecoverExecution), a node that succeeded
// there takes its outputs instead of running, whatever its kind.
#pragma once

#include "engine/workflow_step.h"

namespace flyte::engine {

// In an execution recovering another: finishes a node that succeeded there with the outputs it
// had (phase RECOVERED, nothing run); false when the node must run.
bool RecoverNode(const StepContext& context, ExecutionRun& run, NodeRun& node);

}  // namespace flyte::engine
