// Rebuilding a run from its stored rows after a restart (LoadRun, workflow_step.h): the loader
// applies each node's row; a node that was running is then picked up by its kind's Restore.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/workflow_step.h"

namespace flyte::engine {

// One run being rebuilt: what a kind's Restore reads, and how it restores the nodes it owns.
struct RunRestore {
  const StepContext& context;
  ExecutionRun& run;
  const std::map<std::string, store::NodeExecutionRow>& rows;  // by unique node id
  std::vector<Effect>& effects;

  // Applies a freshly created node run's stored row (if any); when it was running, its kind's
  // Restore picks up what it ran (and restores its children).
  void RestoreNode(NodeRun& node);
  // Adds a scope's nodes and restores each of them.
  void RestoreScope(Scope& scope);
};

}  // namespace flyte::engine
