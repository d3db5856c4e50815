// SqliteExecutionStore: the ExecutionStore over the shared SQLite connection. The engine's
// batches are single transactions, so a kill -9 leaves every batch applied or none of it.
#include "store/sqlite_store.h"
#include "store/store.h"

namespace flyte::store {
namespace {

constexpr std::string_view kTagsOfExecution =
    "execution_tags t WHERE t.project = executions.project AND t.domain = executions.domain AND "
    "t.execution = executions.name";
const ListColumns kExecutionList{
    "executions",
    {{Column::kProject, "project"},
     {Column::kDomain, "domain"},
     {Column::kName, "name"},
     {Column::kPhase, "phase"},
     {Column::kStartedAt, "started_at"},
     {Column::kDuration, "duration_ms"},
     {Column::kMode, "mode"},
     {Column::kArchived, "archived"},
     {Column::kWorkflowName, "workflow"},
     {Column::kLaunchPlanName, "launch_plan"},
     {Column::kTaskName, "task"},
     {Column::kCreatedAt, "created_at"},
     {Column::kUpdatedAt, "updated_at"}},
    {{Column::kTagKey, {kTagsOfExecution, "t.key"}}, {Column::kTagValue, {kTagsOfExecution, "t.value"}}}};
const ListColumns kNodeExecutionList{"node executions",
                                     {{Column::kNodeId, "node_id"},
                                      {Column::kPhase, "phase"},
                                      {Column::kCreatedAt, "created_at"},
                                      {Column::kUpdatedAt, "updated_at"}}};
const ListColumns kTaskExecutionList{"task executions",
                                     {{Column::kNodeId, "node_id"},
                                      {Column::kRetryAttempt, "retry_attempt"},
                                      {Column::kPhase, "phase"},
                                      {Column::kCreatedAt, "created_at"},
                                      {Column::kUpdatedAt, "updated_at"}}};

constexpr const char* kExecutionColumns =
    "project, domain, name, phase, terminal, launch_plan, workflow, task, mode, created_at, updated_at, "
    "started_at, duration_ms, archived, archived_at, payload";
constexpr const char* kNodeColumns =
    "project, domain, execution, node_id, parent_id, phase, created_at, updated_at, attempts, system_failures, "
    "attempt_token, attempt_started_at, payload";
constexpr const char* kTaskColumns =
    "project, domain, execution, node_id, retry_attempt, phase, created_at, updated_at, payload";

std::string Placeholders(int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out += i == 0 ? "?" : ",?";
  return out;
}

Statement& BindKey(Statement& stmt, const ExecutionKey& key) {
  return stmt.Bind(1, key.project).Bind(2, key.domain).Bind(3, key.name);
}

ExecutionRow ReadExecution(const Statement& stmt) {
  ExecutionRow row;
  row.key = {stmt.Text(0), stmt.Text(1), stmt.Text(2)};
  row.phase = static_cast<int>(stmt.Int(3));
  row.terminal = stmt.Int(4) != 0;
  row.launch_plan = stmt.Text(5);
  row.workflow = stmt.Text(6);
  row.task = stmt.Text(7);
  row.mode = static_cast<int>(stmt.Int(8));
  row.created_at = stmt.Int(9);
  row.updated_at = stmt.Int(10);
  row.started_at = stmt.Int(11);
  row.duration_ms = stmt.Int(12);
  row.archived = stmt.Int(13) != 0;
  row.archived_at = stmt.Int(14);
  row.payload = stmt.Blob(15);
  return row;
}

NodeExecutionRow ReadNode(const Statement& stmt) {
  NodeExecutionRow row;
  row.execution = {stmt.Text(0), stmt.Text(1), stmt.Text(2)};
  row.node_id = stmt.Text(3);
  row.parent_id = stmt.Text(4);
  row.phase = static_cast<int>(stmt.Int(5));
  row.created_at = stmt.Int(6);
  row.updated_at = stmt.Int(7);
  row.progress.attempts = static_cast<int>(stmt.Int(8));
  row.progress.system_failures = static_cast<int>(stmt.Int(9));
  row.progress.attempt_token = stmt.Text(10);
  row.progress.attempt_started_at = stmt.Int(11);
  row.payload = stmt.Blob(12);
  return row;
}

TaskExecutionRow ReadTaskExecution(const Statement& stmt) {
  TaskExecutionRow row;
  row.execution = {stmt.Text(0), stmt.Text(1), stmt.Text(2)};
  row.node_id = stmt.Text(3);
  row.retry_attempt = static_cast<int>(stmt.Int(4));
  row.phase = static_cast<int>(stmt.Int(5));
  row.created_at = stmt.Int(6);
  row.updated_at = stmt.Int(7);
  row.payload = stmt.Blob(8);
  return row;
}

const RowTable<ExecutionRow> kExecutions{"executions", kExecutionColumns, ReadExecution, &kExecutionList};
const RowTable<NodeExecutionRow> kNodeExecutions{"node_executions", kNodeColumns, ReadNode, &kNodeExecutionList};
const RowTable<TaskExecutionRow> kTaskExecutions{"task_executions", kTaskColumns, ReadTaskExecution,
                                                 &kTaskExecutionList};

// Node executions and task attempts are keyed under their execution.
Match UnderExecution(const ExecutionKey& key, Match more) {
  Match match{{"project", key.project}, {"domain", key.domain}, {"execution", key.name}};
  match.insert(match.end(), more.begin(), more.end());
  return match;
}

class SqliteExecutionStore final : public ExecutionStore, SqliteStore {
 public:
  using SqliteStore::SqliteStore;

  Status CreateExecution(const ExecutionRow& row) override {
    absl::MutexLock lock(&shared_->mu);
    Status status = InTransaction(Db(), [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) -> Status {
      RETURN_IF_ERROR(WriteExecution(row, false));
      return WriteTags(row);
    });
    if (absl::IsAlreadyExists(status)) {
      return absl::AlreadyExistsError("execution " + row.key.project + "/" + row.key.domain + "/" + row.key.name +
                                      " already exists");
    }
    return status;
  }

  Status Apply(const ExecutionWrite& write) override {
    if (write.empty()) return absl::OkStatus();
    absl::MutexLock lock(&shared_->mu);
    return InTransaction(Db(), [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) -> Status {
      for (const auto& row : write.executions) RETURN_IF_ERROR(WriteExecution(row, true));
      for (const auto& row : write.nodes) RETURN_IF_ERROR(WriteNode(row));
      for (const auto& row : write.tasks) RETURN_IF_ERROR(WriteTask(row));
      return absl::OkStatus();
    });
  }

  StatusOr<ExecutionRow> GetExecution(const ExecutionKey& key) override {
    absl::MutexLock lock(&shared_->mu);
    return SelectOne(kExecutions, {{"project", key.project}, {"domain", key.domain}, {"name", key.name}},
                     "execution " + key.project + "/" + key.domain + "/" + key.name);
  }

  Status SetArchived(const ExecutionKey& key, bool archived, int64_t at) override {
    absl::MutexLock lock(&shared_->mu);
    ASSIGN_OR_RETURN(Statement stmt,
                     Db().Prepare("UPDATE executions SET archived = ?, archived_at = ? WHERE project = ? "
                                  "AND domain = ? AND name = ?"));
    stmt.Bind(1, int64_t{archived}).Bind(2, at).Bind(3, key.project).Bind(4, key.domain).Bind(5, key.name);
    RETURN_IF_ERROR(stmt.Run());
    if (Db().Changes() == 0) return absl::NotFoundError("execution " + key.name + " not found");
    return absl::OkStatus();
  }

  StatusOr<std::vector<ExecutionRow>> ListExecutions(const std::string& project, const std::string& domain,
                                                     const ListQuery& query) override {
    absl::MutexLock lock(&shared_->mu);
    return Select(kExecutions, {{"project", project}, {"domain", domain}}, &query);
  }

  StatusOr<std::vector<ExecutionRow>> ListActiveExecutions() override {
    absl::MutexLock lock(&shared_->mu);
    const ListQuery oldest_first{.sort = {Ascending(Column::kCreatedAt)}};
    return Select(kExecutions, {{"terminal", int64_t{0}}}, &oldest_first);
  }

  StatusOr<NodeExecutionRow> GetNodeExecution(const ExecutionKey& key, const std::string& node_id) override {
    absl::MutexLock lock(&shared_->mu);
    return SelectOne(kNodeExecutions, UnderExecution(key, {{"node_id", node_id}}),
                     "node execution " + node_id + " of " + key.name);
  }

  StatusOr<std::vector<NodeExecutionRow>> ListNodeExecutions(const ExecutionKey& key, const std::string& parent_id,
                                                             const ListQuery& query) override {
    absl::MutexLock lock(&shared_->mu);
    return Select(kNodeExecutions, UnderExecution(key, {{"parent_id", parent_id}}), &query);
  }

  StatusOr<std::vector<NodeExecutionRow>> AllNodeExecutions(const ExecutionKey& key) override {
    absl::MutexLock lock(&shared_->mu);
    return Select(kNodeExecutions, UnderExecution(key, {}));
  }

  StatusOr<TaskExecutionRow> GetTaskExecution(const ExecutionKey& key, const std::string& node_id,
                                              int retry_attempt) override {
    absl::MutexLock lock(&shared_->mu);
    return SelectOne(kTaskExecutions,
                     UnderExecution(key, {{"node_id", node_id}, {"retry_attempt", int64_t{retry_attempt}}}),
                     "task execution " + node_id + " attempt " + std::to_string(retry_attempt) + " of " + key.name);
  }

  StatusOr<std::vector<TaskExecutionRow>> ListTaskExecutions(const ExecutionKey& key, const std::string& node_id,
                                                             const ListQuery& query) override {
    absl::MutexLock lock(&shared_->mu);
    return Select(kTaskExecutions, UnderExecution(key, {{"node_id", node_id}}), &query);
  }

 private:
  // `verb` is "INSERT" (a new execution) or an upsert that keeps the archive columns.
  Status WriteExecution(const ExecutionRow& row, bool replace) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) {
    std::string sql =
        std::string("INSERT INTO executions (") + kExecutionColumns + ") VALUES (" + Placeholders(16) + ")";
    if (replace) {
      sql +=
          " ON CONFLICT (project, domain, name) DO UPDATE SET phase = excluded.phase, terminal = excluded.terminal, "
          "launch_plan = excluded.launch_plan, workflow = excluded.workflow, task = excluded.task, "
          "mode = excluded.mode, created_at = excluded.created_at, updated_at = excluded.updated_at, "
          "started_at = excluded.started_at, duration_ms = excluded.duration_ms, payload = excluded.payload";
    }
    ASSIGN_OR_RETURN(Statement stmt, Db().Prepare(sql));
    BindKey(stmt, row.key)
        .Bind(4, int64_t{row.phase})
        .Bind(5, int64_t{row.terminal})
        .Bind(6, row.launch_plan)
        .Bind(7, row.workflow)
        .Bind(8, row.task)
        .Bind(9, int64_t{row.mode})
        .Bind(10, row.created_at)
        .Bind(11, row.updated_at)
        .Bind(12, row.started_at)
        .Bind(13, row.duration_ms)
        .Bind(14, int64_t{row.archived})
        .Bind(15, row.archived_at)
        .BindBlob(16, row.payload);
    return stmt.Run();
  }

  Status WriteTags(const ExecutionRow& row) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) {
    for (const auto& [key, value] : row.tags) {
      ASSIGN_OR_RETURN(Statement stmt, Db().Prepare("INSERT OR IGNORE INTO execution_tags (project, domain, "
                                                    "execution, key, value) VALUES (?, ?, ?, ?, ?)"));
      BindKey(stmt, row.key).Bind(4, key).Bind(5, value);
      RETURN_IF_ERROR(stmt.Run());
    }
    return absl::OkStatus();
  }

  Status WriteNode(const NodeExecutionRow& row) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) {
    ASSIGN_OR_RETURN(Statement stmt, Db().Prepare(std::string("INSERT OR REPLACE INTO node_executions (") +
                                                  kNodeColumns + ") VALUES (" + Placeholders(13) + ")"));
    BindKey(stmt, row.execution)
        .Bind(4, row.node_id)
        .Bind(5, row.parent_id)
        .Bind(6, int64_t{row.phase})
        .Bind(7, row.created_at)
        .Bind(8, row.updated_at)
        .Bind(9, int64_t{row.progress.attempts})
        .Bind(10, int64_t{row.progress.system_failures})
        .Bind(11, row.progress.attempt_token)
        .Bind(12, row.progress.attempt_started_at)
        .BindBlob(13, row.payload);
    return stmt.Run();
  }

  Status WriteTask(const TaskExecutionRow& row) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) {
    ASSIGN_OR_RETURN(Statement stmt, Db().Prepare(std::string("INSERT OR REPLACE INTO task_executions (") +
                                                  kTaskColumns + ") VALUES (" + Placeholders(9) + ")"));
    BindKey(stmt, row.execution)
        .Bind(4, row.node_id)
        .Bind(5, int64_t{row.retry_attempt})
        .Bind(6, int64_t{row.phase})
        .Bind(7, row.created_at)
        .Bind(8, row.updated_at)
        .BindBlob(9, row.payload);
    return stmt.Run();
  }
};

}  // namespace

std::unique_ptr<Registry> MakeSqliteRegistry(std::shared_ptr<SharedDatabase> shared);
std::unique_ptr<SignalStore> MakeSqliteSignalStore(std::shared_ptr<SharedDatabase> shared, const Clock& clock);
std::unique_ptr<CacheStore> MakeSqliteCacheStore(std::shared_ptr<SharedDatabase> shared);
std::unique_ptr<RunStore> MakeSqliteRunStore(std::shared_ptr<SharedDatabase> shared);
std::unique_ptr<DeployedTaskStore> MakeSqliteDeployedTaskStore(std::shared_ptr<SharedDatabase> shared);

StatusOr<SqliteStores> OpenSqliteStores(const std::filesystem::path& file, const Clock& clock) {
  auto shared = std::make_shared<SharedDatabase>();
  {
    absl::MutexLock lock(&shared->mu);
    // A corrupt file is found here, not by the first query of some later request.
    StatusOr<std::unique_ptr<Database>> db = Database::Open(file);
    Status checked = db.ok() ? (*db)->CheckIntegrity() : db.status();
    if (absl::IsDataLoss(checked)) {
      return absl::DataLossError(file.string() + " is corrupt (" + std::string(checked.message()) + ")");
    }
    RETURN_IF_ERROR(checked);
    shared->db = *std::move(db);
    RETURN_IF_ERROR(shared->db->Migrate());
    // After the migrations, which made the log of a new file. Without the reserve (a disk already
    // full, a filesystem without fallocate) the sandbox still serves; steps wait for room instead.
    (void)shared->db->ReserveLogSpace();
  }
  return SqliteStores{MakeSqliteRegistry(shared),           std::make_unique<SqliteExecutionStore>(shared),
                      MakeSqliteSignalStore(shared, clock), MakeSqliteCacheStore(shared),
                      MakeSqliteRunStore(shared),           MakeSqliteDeployedTaskStore(shared)};
}

}  // namespace flyte::store
