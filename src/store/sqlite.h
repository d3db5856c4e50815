// A thin RAII adapter over the SQLite C API: the only file that sees sqlite3 return codes.
// Not thread-safe: its owner serialises access.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include "common/status.h"
#include "store/list_query.h"

namespace flyte::store {

class Statement {
 public:
  // `in_use` is the flag of a statement kept by the Database's cache (reset and handed back on
  // destruction); nullptr for one this Statement owns (finalized on destruction).
  Statement(sqlite3* db, sqlite3_stmt* stmt, bool* in_use = nullptr) : db_(db), stmt_(stmt), in_use_(in_use) {}
  ~Statement();
  Statement(Statement&& other) noexcept
      : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), in_use_(other.in_use_) {}
  Statement& operator=(Statement&&) = delete;

  Statement& Bind(int index, std::string_view text);
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& Bind(int index, int64_t value);
  Statement& BindValue(int index, const Value& value);
  // Binds `params` to ?1..?n after `first - 1` already-bound parameters.
  Statement& BindAll(const std::vector<Value>& params, int first = 1);

  // true while a row is available; error on failure.
  StatusOr<bool> Step();
  // Runs to completion, ignoring rows.
  Status Run();

  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::string Text(int column) const;
  std::string Blob(int column) const;
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool* in_use_;
};

class Database {
 public:
  // Opens (creating) the file in WAL mode with foreign keys on.
  static StatusOr<std::unique_ptr<Database>> Open(const std::filesystem::path& file);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Compiled statements are kept per SQL text (up to a bound) and reused: the engine writes the
  // same few statements for every step, and parsing them was a good part of a step's cost.
  StatusOr<Statement> Prepare(std::string_view sql);
  Status Exec(std::string_view sql);
  // SQLITE_CONSTRAINT on the last statement → true (a duplicate primary key).
  bool LastWasConstraintViolation() const { return last_code_ == SQLITE_CONSTRAINT; }
  int64_t Changes() const { return sqlite3_changes64(db_); }

  // SQLite's quick_check (every page and index entry readable and well-formed, O(size of the
  // file)): DATA_LOSS with its first finding. SQLITE_CORRUPT and SQLITE_NOTADB are DATA_LOSS too,
  // SQLITE_FULL is RESOURCE_EXHAUSTED.
  Status CheckIntegrity();
  // Applies every migration newer than PRAGMA user_version, each in its own transaction.
  Status Migrate();
  // Gives the write-ahead log (`<file>-wal`, which must exist: SQLite makes it with the first
  // write) the disk space of its working size now, leaving its size as it is (fallocate,
  // KEEP_SIZE). SQLite writes the log again from its start after each checkpoint (every
  // wal_autocheckpoint pages) and never shortens it while open, so the log stays within space it
  // already holds: a disk filled by blobs, logs or a task cannot stop a step from being recorded.
  // The space is the log's own until SQLite deletes the log at a clean close.
  Status ReserveLogSpace();

 private:
  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  static constexpr size_t kMaxCached = 128;
  // Beyond wal_autocheckpoint pages: the last transaction before a checkpoint, and what commits
  // while a checkpoint cannot finish (registry.db itself has to grow and the disk is full).
  static constexpr int64_t kSpareLogBytes = 1 << 20;

  StatusOr<int64_t> PragmaInt(std::string_view name);

  explicit Database(sqlite3* db) : db_(db) {}
  friend class Statement;
  sqlite3* db_;
  int last_code_ = SQLITE_OK;
  std::map<std::string, Cached, std::less<>> cache_;  // node addresses are stable: Statements point in
};

// One connection shared by the registry and the execution store: the mutex makes every call
// exclusive, so there is exactly one writer.
struct SharedDatabase {
  absl::Mutex mu;
  std::unique_ptr<Database> db ABSL_GUARDED_BY(mu);
};

// Runs `body` inside BEGIN IMMEDIATE / COMMIT (ROLLBACK when it fails). Caller holds the mutex.
Status InTransaction(Database& db, const std::function<Status()>& body);

// Steps `stmt` to the end, turning each row into a Row with `read(stmt)`, which returns a Row or,
// when it can fail (parsing a payload), a StatusOr<Row> whose first error ends the read.
template <typename Row, typename Reader>
StatusOr<std::vector<Row>> ReadAll(Statement& stmt, Reader read) {
  std::vector<Row> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool more, stmt.Step());
    if (!more) return rows;
    if constexpr (std::is_same_v<std::invoke_result_t<Reader&, const Statement&>, StatusOr<Row>>) {
      ASSIGN_OR_RETURN(Row row, read(stmt));
      rows.push_back(std::move(row));
    } else {
      rows.push_back(read(stmt));
    }
  }
}

// Maps a SQLite failure to a Status; constraint violations become ALREADY_EXISTS.
Status SqliteError(sqlite3* db, int code, std::string_view what);

}  // namespace flyte::store
