// Where an execution's data lives in the object store, following propeller's layout: one
// metadata folder per execution, a data folder per node, an output folder per attempt.
#pragma once

#include <string>

#include "store/execution_store.h"

namespace flyte::engine {

inline std::string ExecutionPrefix(const store::ExecutionKey& key) {
  return "metadata/" + key.project + "/" + key.domain + "/" + key.name;
}
inline std::string ExecutionInputsKey(const store::ExecutionKey& key) { return ExecutionPrefix(key) + "/inputs.pb"; }
inline std::string ExecutionOutputsKey(const store::ExecutionKey& key) { return ExecutionPrefix(key) + "/outputs.pb"; }
// The compiled workflow the execution runs, written at creation.
inline std::string ExecutionClosureKey(const store::ExecutionKey& key) { return ExecutionPrefix(key) + "/closure.pb"; }
inline std::string NodeDataDir(const store::ExecutionKey& key, const std::string& node_id) {
  return ExecutionPrefix(key) + "/" + node_id + "/data";
}
inline std::string NodeInputsKey(const store::ExecutionKey& key, const std::string& node_id) {
  return NodeDataDir(key, node_id) + "/inputs.pb";
}
inline std::string AttemptDir(const store::ExecutionKey& key, const std::string& node_id, int attempt) {
  return NodeDataDir(key, node_id) + "/" + std::to_string(attempt);
}
// An attempt's raw data folder beneath a raw data prefix (the store's `raw` folder by default).
inline std::string RawOutputPath(const store::ExecutionKey& key, const std::string& node_id, int attempt) {
  return key.project + "/" + key.domain + "/" + key.name + "/" + node_id + "/" + std::to_string(attempt);
}
inline std::string RawOutputPrefix(const store::ExecutionKey& key, const std::string& node_id, int attempt) {
  return "raw/" + RawOutputPath(key, node_id, attempt);
}
// What a dynamic task's attempt writes instead of outputs (a DynamicJobSpec) and, beside it, the
// workflow the engine compiled from it (a CompiledWorkflowClosure), named as propeller names them.
inline constexpr char kFuturesFile[] = "futures.pb";
inline constexpr char kFuturesCompiledFile[] = "futures_compiled.pb";
// Relative folder (under the state folder's logs/) of one attempt's task.log.
inline std::string AttemptLogDir(const store::ExecutionKey& key, const std::string& node_id, int attempt) {
  return key.project + "/" + key.domain + "/" + key.name + "/" + node_id + "/" + std::to_string(attempt);
}

}  // namespace flyte::engine
