// The node executions and task attempts of an execution (FlyteAdmin's node and task execution
// managers): get, list, their inputs and outputs, and the workflow a dynamic node compiled, all
// read from the records and blobs the engine keeps up to date.
// Thread-safe: read-only over the stores.
#pragma once

#include "admin/deps.h"
#include "flyteidl/admin/node_execution.pb.h"
#include "flyteidl/admin/task_execution.pb.h"

namespace flyte::admin {

class NodeExecutionService {
 public:
  explicit NodeExecutionService(AdminDeps deps) : deps_(std::move(deps)) {}

  Status GetNodeExecution(const flyteidl::admin::NodeExecutionGetRequest& request,
                          flyteidl::admin::NodeExecution* response);
  Status ListNodeExecutions(const flyteidl::admin::NodeExecutionListRequest& request,
                            flyteidl::admin::NodeExecutionList* response);
  Status GetNodeExecutionData(const flyteidl::admin::NodeExecutionGetDataRequest& request,
                              flyteidl::admin::NodeExecutionGetDataResponse* response);
  Status GetDynamicNodeWorkflow(const flyteidl::admin::GetDynamicNodeWorkflowRequest& request,
                                flyteidl::admin::DynamicNodeWorkflowResponse* response);

  Status GetTaskExecution(const flyteidl::admin::TaskExecutionGetRequest& request,
                          flyteidl::admin::TaskExecution* response);
  Status ListTaskExecutions(const flyteidl::admin::TaskExecutionListRequest& request,
                            flyteidl::admin::TaskExecutionList* response);
  Status GetTaskExecutionData(const flyteidl::admin::TaskExecutionGetDataRequest& request,
                              flyteidl::admin::TaskExecutionGetDataResponse* response);

 private:
  AdminDeps deps_;
};

}  // namespace flyte::admin
