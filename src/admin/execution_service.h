// Workflow executions (FlyteAdmin's ExecutionManager): every way one starts goes through Launch
// (create, relaunch, recover, the engine's launch plan nodes); terminate; get, list, archive and
// read their data (execution_queries.cpp).
// Thread-safe: handlers run concurrently on the transport's threads and Launch also on the engine's
// loop thread; the stores serialise writes.
#pragma once

#include "admin/deps.h"
#include "flyteidl/admin/execution.pb.h"

namespace flyte::admin {

// A new execution, however it was asked for.
struct LaunchRequest {
  store::ExecutionKey key;  // an empty name gets a generated one
  // What to run (launch_plan: a launch plan, or a task when its resource_type is TASK) and how:
  // metadata (mode, principal, nesting, parent node, reference execution) and settings
  // (max_parallelism, envs, labels, ...: what it leaves unset comes from the launch plan, the
  // matchable attributes, then the platform's defaults; execution_config.h). Recorded without inputs.
  flyteidl::admin::ExecutionSpec spec;
  flyteidl::core::LiteralMap inputs;  // the caller's; Launch adds the defaults and fixed inputs
};

class ExecutionService {
 public:
  explicit ExecutionService(AdminDeps deps) : deps_(std::move(deps)) {}

  // The one way an execution starts: checks the project and domain, resolves what to run from the
  // registry, merges and checks the inputs once, records the execution (QUEUED) and hands it to the
  // engine. ALREADY_EXISTS when an execution with that key exists.
  StatusOr<flyteidl::core::WorkflowExecutionIdentifier> Launch(const LaunchRequest& request);
  // The child execution of a launch plan node, for the engine's control plane.
  Status LaunchChild(const engine::ChildLaunch& launch);

  // Launching and stopping (executions.cpp).
  Status CreateExecution(const flyteidl::admin::ExecutionCreateRequest& request,
                         flyteidl::admin::ExecutionCreateResponse* response);
  Status RelaunchExecution(const flyteidl::admin::ExecutionRelaunchRequest& request,
                           flyteidl::admin::ExecutionCreateResponse* response);
  Status RecoverExecution(const flyteidl::admin::ExecutionRecoverRequest& request,
                          flyteidl::admin::ExecutionCreateResponse* response);
  Status TerminateExecution(const flyteidl::admin::ExecutionTerminateRequest& request,
                            flyteidl::admin::ExecutionTerminateResponse* response);

  // Queries (execution_queries.cpp).
  Status GetExecution(const flyteidl::admin::WorkflowExecutionGetRequest& request,
                      flyteidl::admin::Execution* response);
  Status ListExecutions(const flyteidl::admin::ResourceListRequest& request, flyteidl::admin::ExecutionList* response);
  Status UpdateExecution(const flyteidl::admin::ExecutionUpdateRequest& request,
                         flyteidl::admin::ExecutionUpdateResponse* response);
  Status GetExecutionData(const flyteidl::admin::WorkflowExecutionGetDataRequest& request,
                          flyteidl::admin::WorkflowExecutionGetDataResponse* response);

 private:
  // Execution `id` launched again under `name` (same launch plan, spec and inputs), in `mode` with
  // `id` as its reference execution.
  StatusOr<LaunchRequest> LaunchAgain(const flyteidl::core::WorkflowExecutionIdentifier& id, const std::string& name,
                                      flyteidl::admin::ExecutionMetadata::ExecutionMode mode);

  AdminDeps deps_;
};

}  // namespace flyte::admin
