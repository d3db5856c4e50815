#include "store/sqlite.h"

#include <fcntl.h>

#include <cerrno>
#include <chrono>

#include "common/file_descriptor.h"
#include "common/metrics.h"
#include "store/migrations.h"

namespace flyte::store {

namespace {

Status StatusOfCode(int code, std::string message) {
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      return absl::AlreadyExistsError(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(message);
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(message);
    default:
      return absl::InternalError(message);
  }
}

}  // namespace

Status SqliteError(sqlite3* db, int code, std::string_view what) {
  return StatusOfCode(code, std::string(what) + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code)));
}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (in_use_ == nullptr) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  *in_use_ = false;
}

Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::BindValue(int index, const Value& value) {
  std::visit([&](const auto& v) { Bind(index, v); }, value);
  return *this;
}

Statement& Statement::BindAll(const std::vector<Value>& params, int first) {
  for (size_t i = 0; i < params.size(); ++i) BindValue(first + static_cast<int>(i), params[i]);
  return *this;
}

StatusOr<bool> Statement::Step() {
  int code = sqlite3_step(stmt_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  return SqliteError(db_, code, "sqlite step");
}

Status Statement::Run() {
  while (true) {
    ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return absl::OkStatus();
  }
}

std::string Statement::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return text != nullptr ? std::string(text, sqlite3_column_bytes(stmt_, column)) : std::string();
}

std::string Statement::Blob(int column) const {
  const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  return data != nullptr ? std::string(data, sqlite3_column_bytes(stmt_, column)) : std::string();
}

StatusOr<std::unique_ptr<Database>> Database::Open(const std::filesystem::path& file) {
  sqlite3* raw = nullptr;
  int code =
      sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (code != SQLITE_OK) {
    Status status = SqliteError(raw, code, "cannot open " + file.string());
    sqlite3_close(raw);
    return status;
  }
  std::unique_ptr<Database> db(new Database(raw));
  sqlite3_busy_timeout(raw, 5000);
  // WAL + synchronous=NORMAL: a committed transaction survives a killed process.
  RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"));
  return db;
}

Database::~Database() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
  sqlite3_close_v2(db_);
}

StatusOr<Statement> Database::Prepare(std::string_view sql) {
  auto found = cache_.find(sql);
  if (found != cache_.end() && !found->second.in_use) {
    found->second.in_use = true;
    return Statement(db_, found->second.stmt, &found->second.in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  int code = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (code != SQLITE_OK) return SqliteError(db_, code, "sqlite prepare");
  if (found != cache_.end() || cache_.size() >= kMaxCached) return Statement(db_, stmt);  // in use, or full
  Cached& cached = cache_[std::string(sql)];
  cached = {stmt, true};
  return Statement(db_, stmt, &cached.in_use);
}

Status Database::Exec(std::string_view sql) {
  char* error = nullptr;
  last_code_ = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &error);
  if (last_code_ == SQLITE_OK) return absl::OkStatus();
  std::string message = error != nullptr ? error : sqlite3_errstr(last_code_);
  sqlite3_free(error);
  return StatusOfCode(last_code_, message);
}

Status InTransaction(Database& db, const std::function<Status()>& body) {
  static metrics::Histogram& commit_seconds =
      metrics::Default()
          .AddHistogram("flyte_store_commit_duration_seconds",
                        "Time of a committed write transaction of the registry database, BEGIN to COMMIT.", {},
                        metrics::LatencyBuckets())
          .With({});
  const auto started = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  Status status = body();
  if (!status.ok()) {
    (void)db.Exec("ROLLBACK");
    return status;
  }
  RETURN_IF_ERROR(db.Exec("COMMIT"));
  commit_seconds.ObserveSince(started);
  return absl::OkStatus();
}

Status Database::CheckIntegrity() {
  ASSIGN_OR_RETURN(Statement check, Prepare("PRAGMA quick_check(1)"));
  ASSIGN_OR_RETURN(bool has_row, check.Step());
  const std::string verdict = has_row ? check.Text(0) : "no answer from quick_check";
  if (verdict != "ok") return absl::DataLossError(verdict);
  return absl::OkStatus();
}

StatusOr<int64_t> Database::PragmaInt(std::string_view name) {
  ASSIGN_OR_RETURN(Statement query, Prepare("PRAGMA " + std::string(name)));
  ASSIGN_OR_RETURN(bool has_row, query.Step());
  return has_row ? query.Int(0) : 0;
}

Status Database::Migrate() {
  ASSIGN_OR_RETURN(const int64_t current, PragmaInt("user_version"));
  const auto& migrations = Migrations();
  if (current > static_cast<int64_t>(migrations.size())) {
    return absl::FailedPreconditionError("the registry was written by a newer flyte (schema version " +
                                         std::to_string(current) + ", this binary knows " +
                                         std::to_string(migrations.size()) + ")");
  }
  for (size_t i = static_cast<size_t>(current); i < migrations.size(); ++i) {
    Status applied = Exec("BEGIN IMMEDIATE;\n" + std::string(migrations[i].sql) +
                          "\nPRAGMA user_version = " + std::to_string(i + 1) + ";\nCOMMIT;");
    if (!applied.ok()) {
      (void)Exec("ROLLBACK");
      return absl::InternalError("migration " + std::string(migrations[i].name) +
                                 " failed: " + std::string(applied.message()));
    }
  }
  return absl::OkStatus();
}

Status Database::ReserveLogSpace() {
  ASSIGN_OR_RETURN(const int64_t page_size, PragmaInt("page_size"));
  ASSIGN_OR_RETURN(const int64_t checkpoint_pages, PragmaInt("wal_autocheckpoint"));
  // The log is a 32-byte header, then frames of a 24-byte header and one page each.
  const int64_t bytes = 32 + checkpoint_pages * (page_size + 24) + kSpareLogBytes;
  const std::string log = std::string(sqlite3_db_filename(db_, "main")) + "-wal";
  FileDescriptor file(::open(log.c_str(), O_WRONLY | O_CLOEXEC));
  if (file.get() < 0 || ::fallocate(file.get(), FALLOC_FL_KEEP_SIZE, 0, static_cast<off_t>(bytes)) != 0) {
    return absl::ErrnoToStatus(errno, "cannot reserve " + std::to_string(bytes) + " bytes for " + log);
  }
  return absl::OkStatus();
}

}  // namespace flyte::store
