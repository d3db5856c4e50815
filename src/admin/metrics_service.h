// GetExecutionMetrics (FlyteAdmin's MetricsManager): an execution as a tree of spans, built from
// the records the engine keeps, after the execution itself (through the executions service).
// Thread-safe: read-only over the store.
#pragma once

#include "admin/deps.h"
#include "admin/execution_service.h"
#include "flyteidl/admin/execution.pb.h"

namespace flyte::admin {

class MetricsService {
 public:
  // `executions` must outlive this service.
  MetricsService(AdminDeps deps, ExecutionService& executions) : deps_(std::move(deps)), executions_(executions) {}

  Status GetExecutionMetrics(const flyteidl::admin::WorkflowExecutionGetMetricsRequest& request,
                             flyteidl::admin::WorkflowExecutionGetMetricsResponse* response);

 private:
  AdminDeps deps_;
  ExecutionService& executions_;
};

}  // namespace flyte::admin
