// Reading what a task attempt left behind (FlytePropeller's ValidateOutput): error.pb before
// futures.pb (a dynamic task's workflow) before outputs.pb, since pyflyte-execute exits 0 on user
// errors.
#pragma once

#include <optional>
#include <string>

#include "engine/transitions.h"
#include "flyteidl/core/execution.pb.h"
#include "flyteidl/core/interface.pb.h"
#include "flyteidl/core/literals.pb.h"
#include "plugins/plugin.h"
#include "store/blob_store.h"

namespace flyte::engine {

struct AttemptResult {
  AttemptOutcome outcome = AttemptOutcome::kSystemRecoverable;
  flyteidl::core::LiteralMap outputs;    // kSucceeded
  bool dynamic = false;                  // kSucceeded with futures.pb instead of outputs: a dynamic workflow to run
  flyteidl::core::ExecutionError error;  // otherwise
};

// `attempt_dir` is the attempt's output folder key; `timed_out` when the engine aborted it for
// exceeding the node timeout.
AttemptResult ReadAttemptResult(store::BlobStore& blobs, const std::string& attempt_dir,
                                const plugins::AttemptStatus& status, const flyteidl::core::TypedInterface& interface,
                                bool timed_out);

}  // namespace flyte::engine
