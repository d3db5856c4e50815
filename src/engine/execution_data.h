// What the engine keeps of an execution besides its rows, as the control plane sees it: a new
// execution handed over with its inputs and compiled workflow, and where the data admin serves
// back lives. Where everything sits (data_layout.h) stays the engine's own business.
#pragma once

#include <string>

#include "common/status.h"
#include "flyteidl/core/compiler.pb.h"
#include "flyteidl/core/literals.pb.h"
#include "store/blob_store.h"
#include "store/execution_store.h"

namespace flyte::engine {

// A new execution as admin launches it: its row (QUEUED, with its record), the merged inputs and
// the compiled workflow it runs.
struct NewExecution {
  store::ExecutionRow row;
  flyteidl::core::LiteralMap inputs;
  flyteidl::core::CompiledWorkflowClosure closure;
};

// Stores `execution` where the engine reads it back: the inputs and the compiled workflow first,
// then the row, so the engine never finds a row without its data (also after a crash).
// ALREADY_EXISTS if an execution with that key exists. Engine::Submit starts with this.
Status StoreNewExecution(store::ExecutionStore& executions, store::BlobStore& blobs, const NewExecution& execution);

// The native URL of the inputs an execution was launched with (GetExecutionData, relaunch).
StatusOr<std::string> ExecutionInputsUrl(const store::BlobStore& blobs, const store::ExecutionKey& key);

// The URL of the workflow the engine compiled for a dynamic node, beside the DynamicJobSpec at
// `dynamic_job_spec_url` (the node's closure.dynamic_job_spec_uri).
std::string DynamicWorkflowUrl(const std::string& dynamic_job_spec_url);

}  // namespace flyte::engine
