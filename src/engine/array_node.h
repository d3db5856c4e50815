// Array nodes (map tasks): what the run's bookkeeping needs when one of an array's items
// finishes. The handler itself is in array_node.cpp.
#pragma once

#include "engine/run_state.h"

namespace flyte::engine {

// Counts a finished item in its array.
void NoteItemFinished(ExecutionRun& run, const NodeRun& item);

}  // namespace flyte::engine
