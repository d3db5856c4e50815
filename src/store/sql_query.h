// Where a ListQuery becomes SQL: the WHERE terms, ORDER BY and page of a list's SELECT, with bound
// parameters. Private to the SQLite stores; each of them declares the columns of its lists.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/list_query.h"

namespace flyte::store {

// The logical columns one list has, each with its SQL expression (trusted: written verbatim).
struct ListColumns {
  std::string_view list;  // names the list in errors: "executions"
  std::map<Column, std::string_view> sql;
};

struct PagedSql {
  std::string sql;
  std::vector<Value> params;  // bound after the SELECT's own parameters
};

// `select` (a SELECT ending in a WHERE clause) with the query's predicates ANDed on, its sort and
// its page (LIMIT and OFFSET are parameters too, so every page reuses one prepared statement).
// INVALID_ARGUMENT for a column the list does not have, or a predicate of the wrong shape: not one
// value for a single-value operator, or a non-text value for contains/not_like. Callers are
// expected never to send those (the admin layer checks requests against its own column maps); the
// error keeps a mistake from becoming bad SQL.
StatusOr<PagedSql> Paged(std::string select, const ListQuery& query, const ListColumns& columns);

// flyteadmin's LIKE runs on Postgres: case-sensitive, '\' escapes. SQLite's LIKE ignores ASCII case
// but GLOB does not, so contains/not_like become GLOBs: '%' → '*', '_' → '?', GLOB's own
// specials bracketed.
std::string LikeToGlob(std::string_view like);

}  // namespace flyte::store
