// Flyte 2's RunService (flyteidl2.workflow): runs created by `flyte run` (kept as their root
// action `a0`, queued, committed before the reply), their details, and lists of runs and of a
// run's actions. Executing the actions is the engine's (not there yet).
// Thread-safe: handlers run concurrently on the transport's threads.
#pragma once

#include <flyteidl2/workflow/run_service.pb.h>

#include "admin/deps.h"
#include "admin/v2_data_proxy.h"

namespace flyte::admin {

class V2RunService {
 public:
  // `data_proxy` (where inline inputs are offloaded) must outlive this service.
  V2RunService(AdminDeps deps, V2DataProxyService& data_proxy) : deps_(std::move(deps)), data_proxy_(data_proxy) {}

  Status CreateRun(const flyteidl2::workflow::CreateRunRequest& request,
                   flyteidl2::workflow::CreateRunResponse* response);
  Status GetRunDetails(const flyteidl2::workflow::GetRunDetailsRequest& request,
                       flyteidl2::workflow::GetRunDetailsResponse* response);
  Status GetActionDetails(const flyteidl2::workflow::GetActionDetailsRequest& request,
                          flyteidl2::workflow::GetActionDetailsResponse* response);
  Status ListRuns(const flyteidl2::workflow::ListRunsRequest& request, flyteidl2::workflow::ListRunsResponse* response);
  Status ListActions(const flyteidl2::workflow::ListActionsRequest& request,
                     flyteidl2::workflow::ListActionsResponse* response);

 private:
  // The run's root action; NOT_FOUND naming the run.
  StatusOr<store::ActionRow> GetRun(const store::ActionKey& root);

  AdminDeps deps_;
  V2DataProxyService& data_proxy_;
};

}  // namespace flyte::admin
