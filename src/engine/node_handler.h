// What a node kind does in a step: one handler per kind, each in its kind's file, found through the
// registration in node_kinds.cpp. The scope walk (scope_walk.h) calls it once per node visit.
#pragma once

#include <vector>

#include "engine/node_kinds.h"
#include "engine/workflow_step.h"

namespace flyte::engine {

struct RunRestore;

class NodeHandler {
 public:
  virtual ~NodeHandler() = default;
  // A ready node, already RUNNING with its inputs resolved and stored: starts what it runs
  // (attempts, children, a child execution, a wait) or finishes it at once.
  virtual void Start(const StepContext& context, ExecutionRun& run, NodeRun& node, flyteidl::core::LiteralMap inputs,
                     std::vector<Effect>& effects) const = 0;
  // A running node that is a candidate again: moves it on from what it runs.
  virtual void Advance(const StepContext& context, ExecutionRun& run, NodeRun& node,
                       std::vector<Effect>& effects) const = 0;
  // Stops what a running node runs; the caller then marks it ABORTED.
  virtual void Abort(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects,
                     int64_t now) const = 0;
  // A node stored as RUNNING, its row applied after a restart: picks up what it ran.
  virtual void Restore(RunRestore& restore, NodeRun& node) const = 0;
  // Whether its running nodes take one of the execution's max_parallelism slots.
  virtual bool CountsForParallelism() const = 0;
};

// The one instance of a handler class (handlers keep no state of their own).
template <typename Handler>
const NodeHandler& HandlerInstance() {
  static const Handler handler;
  return handler;
}

}  // namespace flyte::engine
