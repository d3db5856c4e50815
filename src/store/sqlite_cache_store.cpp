// SqliteCacheStore: the CacheStore over the shared SQLite connection; the connection's mutex makes
// each read-then-write call atomic.
#include "store/cache_store.h"
#include "store/sqlite_store.h"

namespace flyte::store {
namespace {

class SqliteCacheStore final : public CacheStore, SqliteStore {
 public:
  using SqliteStore::SqliteStore;

  StatusOr<std::optional<CacheEntry>> Get(const std::string& key) override {
    absl::MutexLock lock(&shared_->mu);
    ASSIGN_OR_RETURN(Statement stmt,
                     Db().Prepare("SELECT outputs, source, created_at FROM cache_entries WHERE key = ?"));
    stmt.Bind(1, key);
    ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (!found) return std::optional<CacheEntry>();
    return std::optional<CacheEntry>(CacheEntry{stmt.Blob(0), stmt.Blob(1), stmt.Int(2)});
  }

  Status Put(const std::string& key, const CacheEntry& entry) override {
    absl::MutexLock lock(&shared_->mu);
    return InTransaction(Db(), [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) -> Status {
      ASSIGN_OR_RETURN(Statement put, Db().Prepare("INSERT OR REPLACE INTO cache_entries (key, outputs, source, "
                                                   "created_at) VALUES (?, ?, ?, ?)"));
      put.Bind(1, key).BindBlob(2, entry.outputs).BindBlob(3, entry.source).Bind(4, entry.created_at);
      RETURN_IF_ERROR(put.Run());
      ASSIGN_OR_RETURN(Statement release, Db().Prepare("DELETE FROM cache_reservations WHERE key = ?"));
      release.Bind(1, key);
      return release.Run();
    });
  }

  StatusOr<bool> Reserve(const std::string& key, const std::string& owner, int64_t now, int64_t expires_at) override {
    absl::MutexLock lock(&shared_->mu);
    ASSIGN_OR_RETURN(Statement take,
                     Db().Prepare("INSERT INTO cache_reservations (key, owner, expires_at) VALUES (?, ?, ?) "
                                  "ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, expires_at = "
                                  "excluded.expires_at WHERE cache_reservations.owner = excluded.owner OR "
                                  "cache_reservations.expires_at <= ?"));
    take.Bind(1, key).Bind(2, owner).Bind(3, expires_at).Bind(4, now);
    RETURN_IF_ERROR(take.Run());
    return Db().Changes() > 0;
  }

  Status Release(const std::string& key, const std::string& owner) override {
    absl::MutexLock lock(&shared_->mu);
    ASSIGN_OR_RETURN(Statement stmt, Db().Prepare("DELETE FROM cache_reservations WHERE key = ? AND owner = ?"));
    stmt.Bind(1, key).Bind(2, owner);
    return stmt.Run();
  }
};

}  // namespace

std::unique_ptr<CacheStore> MakeSqliteCacheStore(std::shared_ptr<SharedDatabase> shared) {
  return std::make_unique<SqliteCacheStore>(std::move(shared));
}

}  // namespace flyte::store
