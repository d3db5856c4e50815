// Gate nodes (sleep, approve, signal): what the execution's step needs to wake sleeping gates and
// to know when the next one is due. The handler itself is in gate_node.cpp.
#pragma once

#include "engine/workflow_step.h"

namespace flyte::engine {

// When a sleep gate wakes up (unix ms).
int64_t GateWakeTime(const NodeRun& node);
// Makes sleep gates whose time has come candidates.
void WakeSleepers(const StepContext& context, ExecutionRun& run);

}  // namespace flyte::engine
