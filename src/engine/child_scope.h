// A node running a child scope: sub-workflow nodes and dynamic task nodes running their workflow.
// Opening the scope, advancing it, finishing the node from it, aborting its children.
#pragma once

#include <vector>

#include "engine/workflow_step.h"

namespace flyte::engine {

// Gives the node a child scope running `workflow` on `inputs` and adds its (not started) nodes.
void OpenChildScope(ExecutionRun& run, NodeRun& node, const flyteidl::core::CompiledWorkflow* workflow,
                    flyteidl::core::LiteralMap inputs, int64_t now);
// Advances the child scope; finishes the node once it is done (outputs bound from its workflow's
// outputs) or failed.
void AdvanceChildScope(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects);
// Aborts the child scope's nodes.
void AbortChildScope(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects,
                     int64_t now);

}  // namespace flyte::engine
