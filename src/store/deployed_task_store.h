// Flyte 2's deployed tasks (`flyte deploy`): one row per task version with its serialized
// flyteidl2.task.TaskSpec, which runs by reference (CreateRun with a task_id) start from. A store
// of its own beside the run store: deployed tasks are a registry (written once per version, never
// changed, no watchers), while the run store is the runs' bookkeeping and its feed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/list_query.h"

namespace flyte::store {

struct DeployedTaskKey {
  std::string project;
  std::string domain;
  std::string name;
  std::string version;
  bool operator==(const DeployedTaskKey&) const = default;
};

struct DeployedTaskRow {
  DeployedTaskKey key;
  std::string org;          // as deployed; not part of the key
  std::string environment;  // the TaskSpec's environment name
  std::string short_name;
  int64_t created_at = 0;  // unix milliseconds
  std::string digest;      // of the spec: equal digests are the same deployment
  std::string spec;        // flyteidl2.task.TaskSpec
};

class DeployedTaskStore {
 public:
  virtual ~DeployedTaskStore() = default;

  // Stores a task version. A version already stored with the same digest is left as it was (OK:
  // deploying again is no change); with another digest, ALREADY_EXISTS naming it.
  virtual Status Put(const DeployedTaskRow& row) = 0;
  // NOT_FOUND naming the version when absent.
  virtual StatusOr<DeployedTaskRow> Get(const DeployedTaskKey& key) = 0;
  // A page of the latest version (by created_at, then version) of each task, listed by
  // Column::kProject, kDomain, kName, kVersion, kCreatedAt.
  virtual StatusOr<std::vector<DeployedTaskRow>> ListLatest(const ListQuery& query) = 0;
  // A page of one task's versions (key.version unused), listed by Column::kVersion, kCreatedAt.
  virtual StatusOr<std::vector<DeployedTaskRow>> ListVersions(const DeployedTaskKey& task, const ListQuery& query) = 0;
};

}  // namespace flyte::store
