// Where reads become SQL: a SELECT of a table's rows by column equality, and a ListQuery's WHERE
// terms, ORDER BY and page on top of it, with bound parameters. Private to the SQLite stores;
// each of them declares the columns of its lists.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "store/list_query.h"

namespace flyte::store {

// A column of a set each row holds (an execution's tags): `members` selects the row's members
// ("<table> WHERE <joined to the row>"), `field` is the member's column. Filters only; no sort.
struct SetColumn {
  std::string_view members;
  std::string_view field;
};

// The logical columns one list has, each with its SQL expression (trusted: written verbatim).
struct ListColumns {
  std::string_view list;  // names the list in errors: "executions"
  std::map<Column, std::string_view> sql;
  std::map<Column, SetColumn> sets = {};
};

struct PagedSql {
  std::string sql;
  std::vector<Value> params;  // Paged: bound after the SELECT's own parameters; SelectSql: all of them
};

// Column = value terms, all of which must hold: the columns are trusted SQL (written verbatim),
// the values are bound.
using Match = std::vector<std::pair<std::string_view, Value>>;

// SELECT `columns` FROM `table` WHERE each term of `match` holds (none: every row), with the
// terms' values as its first parameters; paged by `query` (on the list's `columns`) when given.
StatusOr<PagedSql> SelectSql(std::string_view table, std::string_view columns, const Match& match,
                             const ListQuery* query, const ListColumns* list);

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
