// Flyte 2's TaskService (flyteidl2.task): the task versions `flyte deploy` stores, their details
// (what `flyte.remote.Task.get` and runs by reference read), the latest version of each task and
// a task's versions. Keyed by project, domain, name and version; `org` is answered back but never
// checked (FLYTE2-PROTOCOL.md §0).
// Thread-safe: handlers run concurrently on the transport's threads; the store serialises writes.
#pragma once

#include <flyteidl2/task/task_service.pb.h>

#include "admin/deps.h"

namespace flyte::admin {

// The deployed task version `id` names, as TaskDetails; INVALID_ARGUMENT for a missing project,
// domain, name or version, NOT_FOUND naming the version when it was never deployed. What
// GetTaskDetails answers and what runs by reference (UploadInputs, CreateRun with a task_id) run.
StatusOr<flyteidl2::task::TaskDetails> DeployedTask(store::DeployedTaskStore& tasks,
                                                    const flyteidl2::task::TaskIdentifier& id);

class V2TaskService {
 public:
  explicit V2TaskService(AdminDeps deps) : deps_(std::move(deps)) {}

  // Stores the version under a registered project and configured domain (NOT_FOUND otherwise).
  // Deploying the same spec again is OK; another spec under a deployed version is ALREADY_EXISTS,
  // which the SDK reports as "already exists, skipping". Triggers are UNIMPLEMENTED.
  Status DeployTask(const flyteidl2::task::DeployTaskRequest& request, flyteidl2::task::DeployTaskResponse* response);
  Status GetTaskDetails(const flyteidl2::task::GetTaskDetailsRequest& request,
                        flyteidl2::task::GetTaskDetailsResponse* response);
  // The latest version of each task (newest first unless the request sorts), scoped by project
  // and domain, or every project's for an org alone; filters on name, version and created_at.
  Status ListTasks(const flyteidl2::task::ListTasksRequest& request, flyteidl2::task::ListTasksResponse* response);
  // One task's versions, newest first unless the request sorts.
  Status ListVersions(const flyteidl2::task::ListVersionsRequest& request,
                      flyteidl2::task::ListVersionsResponse* response);

 private:
  AdminDeps deps_;
};

}  // namespace flyte::admin
