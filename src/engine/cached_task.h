// The task cache around task nodes (propeller's catalog step): lookups and reservations before a
// cached task's first attempt, storing its outputs after a success, releasing after a failure.
#pragma once

#include "engine/workflow_step.h"

namespace flyte::engine {

// Before a cached task node's first attempt: true when the node must not start one now (a cache
// hit finished it, or another run holds the key's reservation and this one waits).
bool WaitForCache(const StepContext& context, ExecutionRun& run, NodeRun& node);
// After a successful attempt of a cached task: stores its outputs (CACHE_POPULATED).
void PopulateCache(const StepContext& context, ExecutionRun& run, NodeRun& node, int attempt);
// After a failed or aborted cached task: gives up its reservation.
void ReleaseCache(const StepContext& context, ExecutionRun& run, NodeRun& node);
// Makes nodes waiting for another run's reservation candidates when it is time to look again.
void WakeCacheWaiters(const StepContext& context, ExecutionRun& run);

}  // namespace flyte::engine
