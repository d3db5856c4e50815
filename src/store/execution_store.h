// Durable execution records: workflow executions, node executions and task attempts, written
// by the engine in batches (one transaction each) before it acts on them, read by the API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/status.h"
#include "store/list_query.h"

namespace flyte::store {

struct ExecutionKey {
  std::string project, domain, name;
  bool operator==(const ExecutionKey&) const = default;
  bool operator<(const ExecutionKey& other) const {
    return std::tie(project, domain, name) < std::tie(other.project, other.domain, other.name);
  }
};

// Listed by Column::kProject, kDomain, kName, kPhase, kStartedAt, kDuration, kMode, kArchived,
// kWorkflowName, kLaunchPlanName, kTaskName, kCreatedAt, kUpdatedAt; filtered (not sorted) by
// kTagKey and kTagValue. `archived`/`archived_at`
// belong to UpdateExecution: writes of the row by CreateExecution and Apply leave them as they are.
struct ExecutionRow {
  ExecutionKey key;
  int phase = 0;
  bool terminal = false;
  std::string launch_plan, workflow, task;
  int mode = 0;
  int64_t created_at = 0, updated_at = 0, started_at = 0, duration_ms = 0;
  bool archived = false;
  int64_t archived_at = 0;
  std::string payload;
  // Tags (value "") and labels, as flyteadmin's execution_tags: written by CreateExecution, for
  // lists to filter on (Column::kTagKey, kTagValue); never read back (the payload holds them).
  std::vector<std::pair<std::string, std::string>> tags = {};
};

// The engine's own bookkeeping of a node, kept beside its record to resume it after a restart.
struct NodeProgress {
  int attempts = 0;  // attempts started
  int system_failures = 0;
  std::string attempt_token;  // the current attempt's launch (plugins/plugin.h), stored before it starts
  int64_t attempt_started_at = 0;
};

// Listed by Column::kNodeId, kPhase, kCreatedAt, kUpdatedAt.
struct NodeExecutionRow {
  ExecutionKey execution;
  std::string node_id;
  std::string parent_id;
  int phase = 0;
  int64_t created_at = 0, updated_at = 0;
  NodeProgress progress;
  std::string payload;
};

// Listed by Column::kNodeId, kRetryAttempt, kPhase, kCreatedAt, kUpdatedAt.
struct TaskExecutionRow {
  ExecutionKey execution;
  std::string node_id;
  int retry_attempt = 0;
  int phase = 0;
  int64_t created_at = 0, updated_at = 0;
  std::string payload;
};

// Everything one engine step changes; applied in a single transaction (insert or replace).
struct ExecutionWrite {
  std::vector<ExecutionRow> executions;
  std::vector<NodeExecutionRow> nodes;
  std::vector<TaskExecutionRow> tasks;
  bool empty() const { return executions.empty() && nodes.empty() && tasks.empty(); }
};

class ExecutionStore {
 public:
  virtual ~ExecutionStore() = default;
  virtual Status CreateExecution(const ExecutionRow& row) = 0;  // ALREADY_EXISTS if the name is taken
  virtual Status Apply(const ExecutionWrite& write) = 0;
  virtual StatusOr<ExecutionRow> GetExecution(const ExecutionKey& key) = 0;
  // Archives or restores an execution (UpdateExecution); NOT_FOUND if it does not exist.
  virtual Status SetArchived(const ExecutionKey& key, bool archived, int64_t at) = 0;
  virtual StatusOr<std::vector<ExecutionRow>> ListExecutions(const std::string& project, const std::string& domain,
                                                             const ListQuery& query) = 0;
  // Executions the engine has not finished, oldest first (for recovery at start-up).
  virtual StatusOr<std::vector<ExecutionRow>> ListActiveExecutions() = 0;

  virtual StatusOr<NodeExecutionRow> GetNodeExecution(const ExecutionKey& key, const std::string& node_id) = 0;
  // Children of `parent_id` ("" = top-level nodes).
  virtual StatusOr<std::vector<NodeExecutionRow>> ListNodeExecutions(const ExecutionKey& key,
                                                                     const std::string& parent_id,
                                                                     const ListQuery& query) = 0;
  // Every node execution of an execution, any depth (for the engine's recovery).
  virtual StatusOr<std::vector<NodeExecutionRow>> AllNodeExecutions(const ExecutionKey& key) = 0;

  virtual StatusOr<TaskExecutionRow> GetTaskExecution(const ExecutionKey& key, const std::string& node_id,
                                                      int retry_attempt) = 0;
  virtual StatusOr<std::vector<TaskExecutionRow>> ListTaskExecutions(const ExecutionKey& key,
                                                                     const std::string& node_id,
                                                                     const ListQuery& query) = 0;
};

}  // namespace flyte::store
