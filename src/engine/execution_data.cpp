#include "engine/execution_data.h"

#include "engine/data_layout.h"

namespace flyte::engine {

Status StoreNewExecution(store::ExecutionStore& executions, store::BlobStore& blobs, const NewExecution& execution) {
  const store::ExecutionKey& key = execution.row.key;
  // A name already taken keeps its data: the blobs are written only for a new execution (a second
  // launch of a child after a restart must not replace the first one's inputs). The row comes last,
  // so a crash in between leaves unreferenced blobs, never a row without its data.
  if (auto existing = executions.GetExecution(key); existing.ok()) {
    return absl::AlreadyExistsError("execution " + key.project + "/" + key.domain + "/" + key.name + " already exists");
  } else if (!absl::IsNotFound(existing.status())) {
    return existing.status();
  }
  RETURN_IF_ERROR(blobs.Put(ExecutionInputsKey(key), execution.inputs.SerializeAsString()));
  RETURN_IF_ERROR(blobs.Put(ExecutionClosureKey(key), execution.closure.SerializeAsString()));
  return executions.CreateExecution(execution.row);
}

StatusOr<std::string> ExecutionInputsUrl(const store::BlobStore& blobs, const store::ExecutionKey& key) {
  return blobs.NativeUrl(ExecutionInputsKey(key));
}

std::string DynamicWorkflowUrl(const std::string& dynamic_job_spec_url) {
  return dynamic_job_spec_url.substr(0, dynamic_job_spec_url.rfind('/') + 1) + kFuturesCompiledFile;
}

}  // namespace flyte::engine
