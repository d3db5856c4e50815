// What the SQLite stores share beyond the adapter: the one connection, reached only under its
// mutex, and reads of a table's rows by column equality, whole or as a page of a list.
#pragma once

#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "store/sql_query.h"
#include "store/sqlite.h"

namespace flyte::store {

// One table as a store reads it: the columns a Row is read from, in the order `read` takes them,
// and the logical columns its lists filter and sort on (none: it has no lists).
template <typename Row>
struct RowTable {
  std::string_view table;
  std::string_view columns;
  Row (*read)(const Statement&);
  const ListColumns* list = nullptr;
};

// Base of each SQLite store: every call locks `shared_->mu`, and Db() is only reachable under it.
class SqliteStore {
 public:
  // Public, so that the stores inherit it as their own constructor.
  explicit SqliteStore(std::shared_ptr<SharedDatabase> shared) : shared_(std::move(shared)) {}

 protected:
  Database& Db() ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) { return *shared_->db; }

  // The rows matching every term of `match`: a page of `query` when given, else all of them.
  template <typename Row>
  StatusOr<std::vector<Row>> Select(const RowTable<Row>& table, const Match& match, const ListQuery* query = nullptr)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) {
    ASSIGN_OR_RETURN(PagedSql select, SelectSql(table.table, table.columns, match, query, table.list));
    ASSIGN_OR_RETURN(Statement stmt, Db().Prepare(select.sql));
    stmt.BindAll(select.params);
    return ReadAll<Row>(stmt, table.read);
  }

  // The row a key matches; NOT_FOUND "<what> not found" when there is none.
  template <typename Row>
  StatusOr<Row> SelectOne(const RowTable<Row>& table, const Match& key, std::string_view what)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) {
    ASSIGN_OR_RETURN(std::vector<Row> rows, Select(table, key));
    if (rows.empty()) return absl::NotFoundError(std::string(what) + " not found");
    return std::move(rows.front());
  }

  const std::shared_ptr<SharedDatabase> shared_;
};

}  // namespace flyte::store
