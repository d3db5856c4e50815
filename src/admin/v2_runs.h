// Flyte 2's RunService (flyteidl2.workflow): runs created by `flyte run` (kept as their root
// action `a0`, queued, committed before the reply), their details (also as a watch until the
// action ends), aborts, lists of runs and of a run's actions, and signals of conditions. Executing the actions is the
// engine's executor's (AdminDeps::actions).
// Thread-safe: handlers run concurrently on the transport's threads.
#pragma once

#include <flyteidl2/workflow/run_service.pb.h>

#include <memory>

#include "admin/deps.h"
#include "admin/reply_stream.h"
#include "admin/v2_actions_service.h"
#include "admin/v2_data_proxy.h"

namespace flyte::admin {

class V2RunService {
 public:
  // `data_proxy` (where inline inputs are offloaded) and `actions` (queued runs and aborts are
  // told through it) must outlive this service.
  V2RunService(AdminDeps deps, V2DataProxyService& data_proxy, V2ActionsService& actions)
      : deps_(std::move(deps)), data_proxy_(data_proxy), actions_(actions) {}

  Status CreateRun(const flyteidl2::workflow::CreateRunRequest& request,
                   flyteidl2::workflow::CreateRunResponse* response);
  Status GetRunDetails(const flyteidl2::workflow::GetRunDetailsRequest& request,
                       flyteidl2::workflow::GetRunDetailsResponse* response);
  Status GetActionDetails(const flyteidl2::workflow::GetActionDetailsRequest& request,
                          flyteidl2::workflow::GetActionDetailsResponse* response);
  // The action's details now and after each change, until it ends; NOT_FOUND (from the stream's
  // first read) for an unknown action.
  StatusOr<std::unique_ptr<ReplyStream<flyteidl2::workflow::WatchActionDetailsResponse>>> WatchActionDetails(
      const flyteidl2::workflow::WatchActionDetailsRequest& request, StreamWake wake);
  // Commit the abort request (with its reason) of the run's root action, or of one action.
  Status AbortRun(const flyteidl2::workflow::AbortRunRequest& request, flyteidl2::workflow::AbortRunResponse* response);
  Status AbortAction(const flyteidl2::workflow::AbortActionRequest& request,
                     flyteidl2::workflow::AbortActionResponse* response);
  Status ListRuns(const flyteidl2::workflow::ListRunsRequest& request, flyteidl2::workflow::ListRunsResponse* response);
  Status ListActions(const flyteidl2::workflow::ListActionsRequest& request,
                     flyteidl2::workflow::ListActionsResponse* response);
  // Resolves a waiting condition with the payload (v2_conditions.cpp): SUCCEEDED with the value,
  // then the executor forgets it. NOT_FOUND for an unknown action, INVALID_ARGUMENT for one that
  // is not a condition or a payload of another type, FAILED_PRECONDITION once it has ended.
  Status SignalEvent(const flyteidl2::workflow::SignalEventRequest& request,
                     flyteidl2::workflow::SignalEventResponse* response);

 private:
  // The run's root action; NOT_FOUND naming the run.
  StatusOr<store::ActionRow> GetRun(const store::ActionKey& root);

  AdminDeps deps_;
  V2DataProxyService& data_proxy_;
  V2ActionsService& actions_;
};

}  // namespace flyte::admin
