// The scope walk: starting, advancing and aborting nodes, each through its kind's handler, and
// advancing a scope's candidates until nothing changes. Parent kinds call it for their children.
#pragma once

#include <vector>

#include "engine/run_graph.h"

namespace flyte::engine {

// Starts a ready node: resolves and stores its inputs, then hands it to its kind (unless an
// execution it recovers already ran it).
void StartNode(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects);
// Aborts a running node and what it runs (attempts, children, a child execution).
void AbortNode(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects, int64_t now);
// Moves a running node on by its kind (parents from their children, launch plans from their child).
void AdvanceRunning(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects);
// Advances every candidate node of a scope until nothing changes; returns the scope's status.
ScopeStatus AdvanceScope(const StepContext& context, ExecutionRun& run, Scope& scope, std::vector<Effect>& effects);

}  // namespace flyte::engine
