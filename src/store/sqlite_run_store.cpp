// SqliteRunStore: the RunStore over the shared SQLite connection. An action, its attempts and
// their phases change together in one transaction, so a kill -9 never leaves them disagreeing.
#include <algorithm>
#include <functional>

#include "store/run_feed.h"
#include "store/run_store.h"
#include "store/sqlite_store.h"
#include "store/store.h"

namespace flyte::store {
namespace {

// A run (its root row, `actions` in the outer query) one of whose conditions
// (flyteidl2.workflow.ACTION_TYPE_CONDITION = 3) has not ended: it waits for a signal.
constexpr const char* kPausedRun =
    "EXISTS (SELECT 1 FROM actions AS waiting WHERE waiting.project = actions.project AND waiting.domain = "
    "actions.domain AND waiting.run = actions.run AND waiting.action_type = 3 AND waiting.terminal = 0)";
const ListColumns kRunList{"runs",
                           {{Column::kProject, "project"},
                            {Column::kDomain, "domain"},
                            {Column::kName, "run"},
                            {Column::kPhase, "phase"},
                            {Column::kTaskName, "task_name"},
                            {Column::kTaskVersion, "task_version"},
                            {Column::kCreatedAt, "created_at"},
                            {Column::kUpdatedAt, "updated_at"},
                            {Column::kPaused, kPausedRun}}};
const ListColumns kActionList{"actions",
                              {{Column::kName, "name"},
                               {Column::kParentName, "parent"},
                               {Column::kActionType, "action_type"},
                               {Column::kPhase, "phase"},
                               {Column::kTaskName, "task_name"},
                               {Column::kCreatedAt, "created_at"},
                               {Column::kUpdatedAt, "updated_at"}}};

constexpr const char* kActionColumns =
    "project, domain, run, name, parent, action_type, action_group, task_name, task_version, phase, terminal, "
    "attempts, cache_key, created_at, updated_at, started_at, ended_at, abort_reason, spec, metadata, error, "
    "cache_status, signal_info";
constexpr const char* kAttemptColumns = "attempt, phase, started_at, ended_at, output_uri, error";

ActionRow ReadAction(const Statement& stmt) {
  ActionRow row;
  row.key = {stmt.Text(0), stmt.Text(1), stmt.Text(2), stmt.Text(3)};
  row.parent = stmt.Text(4);
  row.action_type = stmt.Int(5);
  row.group = stmt.Text(6);
  row.task_name = stmt.Text(7);
  row.task_version = stmt.Text(8);
  row.phase = stmt.Int(9);
  row.terminal = stmt.Int(10) != 0;
  row.attempts = stmt.Int(11);
  row.cache_key = stmt.Text(12);
  row.created_at = stmt.Int(13);
  row.updated_at = stmt.Int(14);
  row.started_at = stmt.Int(15);
  row.ended_at = stmt.Int(16);
  row.abort_reason = stmt.Text(17);
  row.spec = stmt.Blob(18);
  row.metadata = stmt.Blob(19);
  row.error = stmt.Blob(20);
  row.cache_status = stmt.Int(21);
  row.signal = stmt.Blob(22);
  return row;
}

AttemptRow ReadAttempt(const Statement& stmt) {
  AttemptRow row;
  row.attempt = stmt.Int(0);
  row.phase = stmt.Int(1);
  row.started_at = stmt.Int(2);
  row.ended_at = stmt.Int(3);
  row.output_uri = stmt.Text(4);
  row.error = stmt.Blob(5);
  return row;
}

PhaseEntered ReadPhase(const Statement& stmt) { return {stmt.Int(0), stmt.Int(1)}; }

const RowTable<ActionRow> kActions{"actions", kActionColumns, ReadAction, &kActionList};
const RowTable<ActionRow> kRuns{"actions", kActionColumns, ReadAction, &kRunList};
const RowTable<AttemptRow> kAttempts{"action_attempts", kAttemptColumns, ReadAttempt};

std::string Describe(const ActionKey& key) {
  return "action " + key.name + " of run " + key.project + "/" + key.domain + "/" + key.run;
}

Match KeyOf(const ActionKey& key) {
  return {{"project", key.project}, {"domain", key.domain}, {"run", key.run}, {"name", key.name}};
}

// Rows of the attempt tables name their action `action`.
Match AttemptsOf(const ActionKey& key, Match more) {
  Match match{{"project", key.project}, {"domain", key.domain}, {"run", key.run}, {"action", key.name}};
  match.insert(match.end(), more.begin(), more.end());
  return match;
}

// Binds the action's key to ?first..?first+3.
Statement& BindKey(Statement& stmt, const ActionKey& key, int first) {
  return stmt.Bind(first, key.project).Bind(first + 1, key.domain).Bind(first + 2, key.run).Bind(first + 3, key.name);
}

class SqliteRunStore final : public RunStore, SqliteStore {
 public:
  using SqliteStore::SqliteStore;

  RunFeed& feed() override { return feed_; }

  Status CreateAction(const ActionRow& row, const std::string& output_uri) override {
    RETURN_IF_ERROR(Insert(row, output_uri));
    feed_.Publish(row.key, row.parent);
    return absl::OkStatus();
  }

  StatusOr<ActionRow> GetAction(const ActionKey& key) override {
    absl::MutexLock lock(&shared_->mu);
    return SelectOne(kActions, KeyOf(key), Describe(key));
  }

  StatusOr<std::vector<AttemptRow>> GetAttempts(const ActionKey& key) override {
    absl::MutexLock lock(&shared_->mu);
    ASSIGN_OR_RETURN(std::vector<AttemptRow> attempts, Select(kAttempts, AttemptsOf(key, {})));
    ASSIGN_OR_RETURN(Statement phases,
                     Db().Prepare("SELECT phase, at, attempt FROM action_transitions WHERE project = ? AND domain = ? "
                                  "AND run = ? AND action = ? ORDER BY attempt, seq"));
    BindKey(phases, key, 1);
    for (;;) {
      ASSIGN_OR_RETURN(bool more, phases.Step());
      if (!more) break;
      for (auto& attempt : attempts) {
        if (attempt.attempt == phases.Int(2)) attempt.phases.push_back(ReadPhase(phases));
      }
    }
    std::sort(attempts.begin(), attempts.end(), [](const auto& a, const auto& b) { return a.attempt < b.attempt; });
    return attempts;
  }

  StatusOr<std::vector<ActionRow>> ListRuns(const ListQuery& query) override {
    absl::MutexLock lock(&shared_->mu);
    return Select(kRuns, {{"parent", std::string()}}, &query);
  }

  StatusOr<std::vector<ActionRow>> ListActions(const ActionKey& run, const ListQuery& query) override {
    absl::MutexLock lock(&shared_->mu);
    return Select(kActions, {{"project", run.project}, {"domain", run.domain}, {"run", run.run}}, &query);
  }

  StatusOr<std::vector<ActionRow>> ListUnfinished() override {
    absl::MutexLock lock(&shared_->mu);
    ASSIGN_OR_RETURN(std::vector<ActionRow> rows, Select(kActions, {{"terminal", int64_t{0}}}));
    std::stable_sort(rows.begin(), rows.end(),
                     [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
    return rows;
  }

  Status Transition(const ActionKey& key, const PhaseChange& change) override {
    return WriteAction(key, [&](const ActionRow& action) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) -> Status {
      if (change.attempt == action.attempts + 1) {
        RETURN_IF_ERROR(StartAttempt(key, change));
      } else if (change.attempt == action.attempts) {
        RETURN_IF_ERROR(UpdateAttempt(key, change));
      } else {
        return absl::FailedPreconditionError(Describe(key) + " is at attempt " + std::to_string(action.attempts) +
                                             ", not " + std::to_string(change.attempt));
      }
      // A failed attempt that a retry follows leaves the action in the phase it had.
      const bool retried = change.ends_attempt && !change.ends_action;
      ASSIGN_OR_RETURN(Statement update,
                       Db().Prepare("UPDATE actions SET phase = CASE WHEN ? THEN phase ELSE ? END, terminal = ?, "
                                    "attempts = ?, updated_at = ?, "
                                    "started_at = CASE WHEN started_at = 0 AND ? THEN ? ELSE started_at END, "
                                    "ended_at = CASE WHEN ? THEN ? ELSE 0 END, "
                                    "error = CASE WHEN length(?) = 0 THEN error ELSE ? END, "
                                    "abort_reason = CASE WHEN ? = '' THEN abort_reason ELSE ? END, "
                                    "cache_status = CASE WHEN ? = 0 THEN cache_status ELSE ? END, "
                                    "signal_info = CASE WHEN length(?) = 0 THEN signal_info ELSE ? END "
                                    "WHERE project = ? AND domain = ? AND run = ? AND name = ?"));
      // The action starts when it first leaves the queue (FLYTE2-PROTOCOL.md §4.2: QUEUED and
      // WAITING_FOR_RESOURCES are 1 and 2).
      constexpr int64_t kLastQueuedPhase = 2;
      update.Bind(1, int64_t{retried})
          .Bind(2, change.phase)
          .Bind(3, int64_t{change.ends_action})
          .Bind(4, change.attempt)
          .Bind(5, change.at)
          .Bind(6, int64_t{change.phase > kLastQueuedPhase})
          .Bind(7, change.at)
          .Bind(8, int64_t{change.ends_action})
          .Bind(9, change.at)
          .BindBlob(10, change.error)
          .BindBlob(11, change.error)
          .Bind(12, change.abort_reason)
          .Bind(13, change.abort_reason)
          .Bind(14, change.cache_status)
          .Bind(15, change.cache_status)
          .BindBlob(16, change.signal)
          .BindBlob(17, change.signal);
      return BindKey(update, key, 18).Run();
    });
  }

  Status RequestAbort(const ActionKey& key, const std::string& reason, int64_t at) override {
    return WriteAction(key, [&](const ActionRow&) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) -> Status {
      ASSIGN_OR_RETURN(Statement update, Db().Prepare("UPDATE actions SET abort_reason = ?, updated_at = ? WHERE "
                                                      "project = ? AND domain = ? AND run = ? AND name = ?"));
      update.Bind(1, reason).Bind(2, at);
      return BindKey(update, key, 3).Run();
    });
  }

 private:
  // The row and its first attempt, in one transaction (CreateAction publishes it once committed).
  Status Insert(const ActionRow& row, const std::string& output_uri) {
    absl::MutexLock lock(&shared_->mu);
    Status status = InTransaction(Db(), [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) -> Status {
      ASSIGN_OR_RETURN(Statement insert, Db().Prepare(std::string("INSERT INTO actions (") + kActionColumns +
                                                      ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
      BindKey(insert, row.key, 1)
          .Bind(5, row.parent)
          .Bind(6, row.action_type)
          .Bind(7, row.group)
          .Bind(8, row.task_name)
          .Bind(9, row.task_version)
          .Bind(10, row.phase)
          .Bind(11, int64_t{row.terminal})
          .Bind(12, row.attempts)
          .Bind(13, row.cache_key)
          .Bind(14, row.created_at)
          .Bind(15, row.updated_at)
          .Bind(16, row.started_at)
          .Bind(17, row.ended_at)
          .Bind(18, row.abort_reason)
          .BindBlob(19, row.spec)
          .BindBlob(20, row.metadata)
          .BindBlob(21, row.error)
          .Bind(22, row.cache_status)
          .BindBlob(23, row.signal);
      RETURN_IF_ERROR(insert.Run());
      return StartAttempt(row.key, {.attempt = row.attempts,
                                    .phase = row.phase,
                                    .ends_action = row.terminal,
                                    .at = row.created_at,
                                    .output_uri = output_uri,
                                    .error = row.error});
    });
    if (absl::IsAlreadyExists(status)) return absl::AlreadyExistsError(Describe(row.key) + " already exists");
    return status;
  }

  // Runs `write` on the action, which must not have ended, in one transaction; publishes the
  // action once that is committed and the database unlocked.
  Status WriteAction(const ActionKey& key, const std::function<Status(const ActionRow&)>& write) {
    std::string parent;
    {
      absl::MutexLock lock(&shared_->mu);
      const Status status = InTransaction(Db(), [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) -> Status {
        ASSIGN_OR_RETURN(ActionRow action, SelectOne(kActions, KeyOf(key), Describe(key)));
        if (action.terminal) return absl::FailedPreconditionError(Describe(key) + " has ended");
        parent = action.parent;
        return write(action);
      });
      RETURN_IF_ERROR(status);
    }
    feed_.Publish(key, parent);
    return absl::OkStatus();
  }

  Status StartAttempt(const ActionKey& key, const PhaseChange& change) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) {
    ASSIGN_OR_RETURN(Statement insert,
                     Db().Prepare("INSERT INTO action_attempts (project, domain, run, action, attempt, phase, "
                                  "started_at, ended_at, output_uri, error) VALUES (?,?,?,?,?,?,?,?,?,?)"));
    BindKey(insert, key, 1)
        .Bind(5, change.attempt)
        .Bind(6, change.phase)
        .Bind(7, change.at)
        .Bind(8, change.ends_attempt || change.ends_action ? change.at : int64_t{0})
        .Bind(9, change.output_uri)
        .BindBlob(10, change.error);
    RETURN_IF_ERROR(insert.Run());
    return AddPhase(key, change);
  }

  Status UpdateAttempt(const ActionKey& key, const PhaseChange& change) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) {
    ASSIGN_OR_RETURN(Statement update,
                     Db().Prepare("UPDATE action_attempts SET phase = ?, ended_at = ?, "
                                  "output_uri = CASE WHEN ? = '' THEN output_uri ELSE ? END, "
                                  "error = CASE WHEN length(?) = 0 THEN error ELSE ? END "
                                  "WHERE project = ? AND domain = ? AND run = ? AND action = ? AND attempt = ?"));
    update.Bind(1, change.phase)
        .Bind(2, change.ends_attempt || change.ends_action ? change.at : int64_t{0})
        .Bind(3, change.output_uri)
        .Bind(4, change.output_uri)
        .BindBlob(5, change.error)
        .BindBlob(6, change.error);
    RETURN_IF_ERROR(BindKey(update, key, 7).Bind(11, change.attempt).Run());
    return AddPhase(key, change);
  }

  // Appends the phase to the attempt's transitions; entering the phase it is in adds nothing.
  Status AddPhase(const ActionKey& key, const PhaseChange& change) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) {
    ASSIGN_OR_RETURN(Statement last, Db().Prepare("SELECT seq, phase FROM action_transitions WHERE project = ? AND "
                                                  "domain = ? AND run = ? AND action = ? AND attempt = ? "
                                                  "ORDER BY seq DESC LIMIT 1"));
    BindKey(last, key, 1).Bind(5, change.attempt);
    ASSIGN_OR_RETURN(bool found, last.Step());
    if (found && last.Int(1) == change.phase) return absl::OkStatus();
    const int64_t seq = found ? last.Int(0) + 1 : 1;
    ASSIGN_OR_RETURN(Statement insert,
                     Db().Prepare("INSERT INTO action_transitions (project, domain, run, action, attempt, seq, phase, "
                                  "at) VALUES (?,?,?,?,?,?,?,?)"));
    BindKey(insert, key, 1).Bind(5, change.attempt).Bind(6, seq).Bind(7, change.phase).Bind(8, change.at);
    return insert.Run();
  }

  RunFeed feed_;
};

}  // namespace

std::unique_ptr<RunStore> MakeSqliteRunStore(std::shared_ptr<SharedDatabase> shared) {
  return std::make_unique<SqliteRunStore>(std::move(shared));
}

}  // namespace flyte::store
