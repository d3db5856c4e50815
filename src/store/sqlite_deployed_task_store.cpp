// SqliteDeployedTaskStore: the DeployedTaskStore over the shared SQLite connection (table
// v2_tasks, migration 0008); the connection's mutex makes Put's read-then-write atomic.
#include "store/deployed_task_store.h"
#include "store/sqlite_store.h"

namespace flyte::store {
namespace {

constexpr const char* kColumns =
    "project, domain, name, version, org, environment, short_name, created_at, digest, spec";

DeployedTaskRow ReadDeployedTask(const Statement& stmt) {
  DeployedTaskRow row;
  row.key = {stmt.Text(0), stmt.Text(1), stmt.Text(2), stmt.Text(3)};
  row.org = stmt.Text(4);
  row.environment = stmt.Text(5);
  row.short_name = stmt.Text(6);
  row.created_at = stmt.Int(7);
  row.digest = stmt.Blob(8);
  row.spec = stmt.Blob(9);
  return row;
}

const ListColumns kTaskList{"tasks",
                            {{Column::kProject, "project"},
                             {Column::kDomain, "domain"},
                             {Column::kName, "name"},
                             {Column::kVersion, "version"},
                             {Column::kCreatedAt, "created_at"}}};
const ListColumns kVersionList{"task versions", {{Column::kVersion, "version"}, {Column::kCreatedAt, "created_at"}}};

const RowTable<DeployedTaskRow> kTasks{"v2_tasks", kColumns, ReadDeployedTask};
const RowTable<DeployedTaskRow> kVersions{"v2_tasks", kColumns, ReadDeployedTask, &kVersionList};
// Each task's versions ranked newest first; its rank-1 row is its latest.
const RowTable<DeployedTaskRow> kLatest{
    "(SELECT *, ROW_NUMBER() OVER (PARTITION BY project, domain, name ORDER BY created_at DESC, version DESC) "
    "AS latest_rank FROM v2_tasks)",
    kColumns, ReadDeployedTask, &kTaskList};

std::string Describe(const DeployedTaskKey& key) {
  return "task " + key.project + "/" + key.domain + "/" + key.name + " version " + key.version;
}

Match KeyOf(const DeployedTaskKey& key) {
  return {{"project", key.project}, {"domain", key.domain}, {"name", key.name}, {"version", key.version}};
}

class SqliteDeployedTaskStore final : public DeployedTaskStore, SqliteStore {
 public:
  using SqliteStore::SqliteStore;

  Status Put(const DeployedTaskRow& row) override {
    absl::MutexLock lock(&shared_->mu);
    return InTransaction(Db(), [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) -> Status {
      ASSIGN_OR_RETURN(std::vector<DeployedTaskRow> stored, Select(kTasks, KeyOf(row.key)));
      if (!stored.empty()) {
        if (stored.front().digest == row.digest) return absl::OkStatus();
        return absl::AlreadyExistsError(Describe(row.key) +
                                        " is already deployed with a different spec (deploy it as a new version)");
      }
      ASSIGN_OR_RETURN(Statement insert, Db().Prepare(std::string("INSERT INTO v2_tasks (") + kColumns +
                                                      ") VALUES (?,?,?,?,?,?,?,?,?,?)"));
      insert.Bind(1, row.key.project)
          .Bind(2, row.key.domain)
          .Bind(3, row.key.name)
          .Bind(4, row.key.version)
          .Bind(5, row.org)
          .Bind(6, row.environment)
          .Bind(7, row.short_name)
          .Bind(8, row.created_at)
          .BindBlob(9, row.digest)
          .BindBlob(10, row.spec);
      return insert.Run();
    });
  }

  StatusOr<DeployedTaskRow> Get(const DeployedTaskKey& key) override {
    absl::MutexLock lock(&shared_->mu);
    return SelectOne(kTasks, KeyOf(key), Describe(key));
  }

  StatusOr<std::vector<DeployedTaskRow>> ListLatest(const ListQuery& query) override {
    absl::MutexLock lock(&shared_->mu);
    return Select(kLatest, {{"latest_rank", int64_t{1}}}, &query);
  }

  StatusOr<std::vector<DeployedTaskRow>> ListVersions(const DeployedTaskKey& task, const ListQuery& query) override {
    absl::MutexLock lock(&shared_->mu);
    return Select(kVersions, {{"project", task.project}, {"domain", task.domain}, {"name", task.name}}, &query);
  }
};

}  // namespace

std::unique_ptr<DeployedTaskStore> MakeSqliteDeployedTaskStore(std::shared_ptr<SharedDatabase> shared) {
  return std::make_unique<SqliteDeployedTaskStore>(std::move(shared));
}

}  // namespace flyte::store
