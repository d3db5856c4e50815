// Flyte 2's ActionsService (flyteidl2.actions), which a parent task's runtime calls: Enqueue a
// child action (persisted QUEUED with its spec, or a trace recorded finished), WatchForUpdates of
// its direct children, Abort one. Also the abort every service requests the same way.
// Thread-safe: handlers run concurrently on the transport's threads.
#pragma once

#include <flyteidl2/actions/actions_service.pb.h>

#include <memory>
#include <string>

#include "admin/deps.h"
#include "admin/reply_stream.h"

namespace flyte::admin {

class V2ActionsService {
 public:
  explicit V2ActionsService(AdminDeps deps) : deps_(std::move(deps)) {}

  // ALREADY_EXISTS for a name the run has (a parent retried: the SDK takes it as launched);
  // NOT_FOUND for an unknown run or parent; ABORTED once the run has ended or is being aborted.
  Status Enqueue(const flyteidl2::actions::EnqueueRequest& request, flyteidl2::actions::EnqueueResponse* response);
  // NOT_FOUND (from the stream's first read) for an unknown parent.
  StatusOr<std::unique_ptr<ReplyStream<flyteidl2::actions::WatchForUpdatesResponse>>> WatchForUpdates(
      const flyteidl2::actions::WatchForUpdatesRequest& request, StreamWake wake);
  Status Abort(const flyteidl2::actions::AbortRequest& request, flyteidl2::actions::AbortResponse* response);

  // Commits the abort request of `key` with its reason, then has the executor end it. NOT_FOUND for an
  // unknown action, FAILED_PRECONDITION once it has ended.
  Status RequestAbort(const store::ActionKey& key, const std::string& reason);
  // Has the executor start `key`, committed QUEUED.
  void Queued(const store::ActionKey& key) const;

 private:
  AdminDeps deps_;
};

}  // namespace flyte::admin
