// SqliteSignalStore: the SignalStore over the shared SQLite connection. Types and values are kept
// as serialized flyteidl messages; the connection's mutex makes each read-then-write call atomic.
#include <google/protobuf/util/message_differencer.h>

#include "common/clock.h"
#include "store/signal_store.h"
#include "store/sqlite_store.h"

namespace flyte::store {
namespace {

using flyteidl::admin::Signal;
using flyteidl::core::SignalIdentifier;
using google::protobuf::util::MessageDifferencer;

constexpr const char* kSelect = "SELECT project, domain, execution, signal_id, type, value FROM signals";
constexpr const char* kKey = " WHERE project = ? AND domain = ? AND execution = ? AND signal_id = ?";
const ListColumns kSignalList{
    "signals",
    {{Column::kSignalId, "signal_id"}, {Column::kCreatedAt, "created_at"}, {Column::kUpdatedAt, "updated_at"}}};

std::string Describe(const SignalIdentifier& id) {
  const auto& execution = id.execution_id();
  return "signal \"" + id.signal_id() + "\" of execution " + execution.project() + "/" + execution.domain() + "/" +
         execution.name();
}

// Binds the id to ?first..?first+3.
Statement& BindId(Statement& stmt, const SignalIdentifier& id, int first) {
  const auto& execution = id.execution_id();
  return stmt.Bind(first, execution.project())
      .Bind(first + 1, execution.domain())
      .Bind(first + 2, execution.name())
      .Bind(first + 3, id.signal_id());
}

StatusOr<Signal> ReadSignal(const Statement& stmt) {
  Signal signal;
  auto* execution = signal.mutable_id()->mutable_execution_id();
  execution->set_project(stmt.Text(0));
  execution->set_domain(stmt.Text(1));
  execution->set_name(stmt.Text(2));
  signal.mutable_id()->set_signal_id(stmt.Text(3));
  if (!signal.mutable_type()->ParseFromString(stmt.Blob(4)) ||
      (!stmt.IsNull(5) && !signal.mutable_value()->ParseFromString(stmt.Blob(5)))) {
    return absl::InternalError("corrupt record of " + Describe(signal.id()));
  }
  return signal;
}

class SqliteSignalStore final : public SignalStore, SqliteStore {
 public:
  SqliteSignalStore(std::shared_ptr<SharedDatabase> shared, const Clock& clock)
      : SqliteStore(std::move(shared)), clock_(clock) {}

  StatusOr<Signal> GetOrCreate(const SignalIdentifier& id, const flyteidl::core::LiteralType& type) override {
    absl::MutexLock lock(&shared_->mu);
    ASSIGN_OR_RETURN(Statement insert,
                     Db().Prepare("INSERT OR IGNORE INTO signals (project, domain, execution, signal_id, created_at, "
                                  "updated_at, type) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    const int64_t now = clock_.NowMillis();
    BindId(insert, id, 1).Bind(5, now).Bind(6, now).BindBlob(7, type.SerializeAsString());
    RETURN_IF_ERROR(insert.Run());
    ASSIGN_OR_RETURN(Signal signal, Find(id));
    if (!MessageDifferencer::Equals(signal.type(), type)) {
      return absl::AlreadyExistsError(Describe(id) + " already exists with another type");
    }
    return signal;
  }

  StatusOr<Signal> Get(const SignalIdentifier& id) override {
    absl::MutexLock lock(&shared_->mu);
    return Find(id);
  }

  Status Set(const SignalIdentifier& id, const flyteidl::core::Literal& value) override {
    absl::MutexLock lock(&shared_->mu);
    ASSIGN_OR_RETURN(Statement update, Db().Prepare(std::string("UPDATE signals SET value = ?, updated_at = ?") + kKey +
                                                    " AND value IS NULL"));
    update.BindBlob(1, value.SerializeAsString()).Bind(2, clock_.NowMillis());
    RETURN_IF_ERROR(BindId(update, id, 3).Run());
    if (Db().Changes() > 0) return absl::OkStatus();
    // Absent, or set before: only the same value again is accepted.
    ASSIGN_OR_RETURN(Signal signal, Find(id));
    if (!MessageDifferencer::Equals(signal.value(), value)) {
      return absl::FailedPreconditionError(Describe(id) + " already has another value");
    }
    return absl::OkStatus();
  }

  StatusOr<std::vector<Signal>> List(const ExecutionKey& execution, const ListQuery& query) override {
    absl::MutexLock lock(&shared_->mu);
    ASSIGN_OR_RETURN(PagedSql paged, Paged(std::string(kSelect) + " WHERE project = ? AND domain = ? AND execution = ?",
                                           query, kSignalList));
    ASSIGN_OR_RETURN(Statement stmt, Db().Prepare(paged.sql));
    stmt.Bind(1, execution.project).Bind(2, execution.domain).Bind(3, execution.name).BindAll(paged.params, 4);
    return ReadAll<Signal>(stmt, ReadSignal);
  }

 private:
  StatusOr<Signal> Find(const SignalIdentifier& id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) {
    ASSIGN_OR_RETURN(Statement stmt, Db().Prepare(std::string(kSelect) + kKey));
    BindId(stmt, id, 1);
    ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (!found) return absl::NotFoundError(Describe(id) + " not found");
    return ReadSignal(stmt);
  }

  const Clock& clock_;
};

}  // namespace

std::unique_ptr<SignalStore> MakeSqliteSignalStore(std::shared_ptr<SharedDatabase> shared, const Clock& clock) {
  return std::make_unique<SqliteSignalStore>(std::move(shared), clock);
}

}  // namespace flyte::store
