// The kinds of node the executor runs and the registration that maps each to its handler: a node's
// kind is computed once, from its spec, when its run is created; steps dispatch on it.
#pragma once

#include "flyteidl/core/workflow.pb.h"

namespace flyte::engine {

class NodeHandler;

enum class NodeKind {
  kTask,
  kDynamic,  // not from a spec: a task node whose attempt returned a workflow becomes one
  kBranch,
  kSubWorkflow,
  kLaunchPlan,
  kGate,
  kArray,
  kUnsupported,  // fails when started
};

NodeKind KindOf(const flyteidl::core::Node& spec);

// The handler registered for `kind`.
const NodeHandler& HandlerOf(NodeKind kind);

}  // namespace flyte::engine
