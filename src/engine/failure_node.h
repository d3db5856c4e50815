// The workflow's failure node (`on_failure`): added and run once the workflow has failed, with an
// `err` input describing the failure.
#pragma once

#include <vector>

#include "engine/workflow_step.h"

namespace flyte::engine {

// The workflow's failure node as a (not yet started) top-level node run.
NodeRun& AddFailureNode(ExecutionRun& run, int64_t now);
// Runs the failure node after `failed` failed the workflow; true while it is still running.
bool RunFailureNode(const StepContext& context, ExecutionRun& run, const NodeRun& failed, std::vector<Effect>& effects);
// Fills the failure node's `err` input with the failure, as propeller does.
void AddErrorInput(const ExecutionRun& run, const NodeRun& node, flyteidl::core::LiteralMap& inputs);

}  // namespace flyte::engine
