// Dynamic task nodes: a task node whose attempt wrote futures.pb becomes one (NodeKind::kDynamic)
// and runs the compiled workflow as a child scope. How a task node turns into one.
#pragma once

#include "engine/workflow_step.h"

namespace flyte::engine {

// After a successful attempt that wrote futures.pb: compiles the dynamic workflow (stored as
// futures_compiled.pb), and the node runs it as a child scope.
void StartDynamic(const StepContext& context, ExecutionRun& run, NodeRun& node,
                  const flyteidl::core::TypedInterface& interface);
// For a restored running task node: true (and its child scope rebuilt, children not yet
// restored) when its last attempt had become a dynamic workflow.
bool ResumeDynamic(const StepContext& context, ExecutionRun& run, NodeRun& node);

}  // namespace flyte::engine
