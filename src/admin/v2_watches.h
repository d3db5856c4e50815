// Flyte 2's watches over the run store's feed (store/run_feed.h): a parent task's view of its
// direct children (ActionsService/WatchForUpdates: what is there, a sentinel, then each change)
// and a client's view of one action (RunService/WatchActionDetails: its details now and after
// each change, until it ends). Each subscribes before it reads, so no change is lost between.
#pragma once

#include <flyteidl2/actions/actions_service.pb.h>
#include <flyteidl2/workflow/run_service.pb.h>

#include <memory>

#include "admin/reply_stream.h"
#include "common/status.h"
#include "store/run_store.h"

namespace flyte::admin {

// An action's state as a parent task reads it (FLYTE2-PROTOCOL.md §3.5): its phase, the output
// folder of a succeeded task (a trace's outputs.pb verbatim), the value a signaled condition
// holds, the error of a failed one.
StatusOr<flyteidl2::workflow::ActionUpdate> ActionUpdateOf(store::RunStore& runs, const store::ActionRow& row);

// `runs` must outlive the streams.
std::unique_ptr<ReplyStream<flyteidl2::actions::WatchForUpdatesResponse>> WatchChildren(store::RunStore& runs,
                                                                                        const store::ActionKey& parent,
                                                                                        StreamWake wake);
std::unique_ptr<ReplyStream<flyteidl2::workflow::WatchActionDetailsResponse>> WatchActionDetails(
    store::RunStore& runs, const store::ActionKey& action, StreamWake wake);

}  // namespace flyte::admin
