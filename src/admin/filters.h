// FlyteAdmin's list-request grammar: the `filters` string, `sort_by` and pagination tokens, checked
// against what one list endpoint allows and turned into SQLite predicates with bound parameters.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"

namespace flyte::admin {

// The ten functions flyteadmin knows (flyteadmin/pkg/common/filters.go).
enum class FilterOp {
  kEq,
  kNe,
  kGt,
  kGte,
  kLt,
  kLte,
  kContains,
  kNotLike,
  kValueIn,
  kValueNotIn,
};

// The operator as spelled in the grammar: "eq", "value_in", ...
std::string_view FilterOpName(FilterOp op);

// True for value_in / value_not_in, the only operators that take a ';'-separated list.
bool TakesValueList(FilterOp op);

// One `op(field,value)` term. `entity` is set only when the field started with one of flyteadmin's
// entity prefixes ("execution.", "task.", "launch_plan.", ...); otherwise the whole name is `field`.
struct Filter {
  FilterOp op = FilterOp::kEq;
  std::string entity;
  std::string field;
  std::vector<std::string> values;  // exactly one unless TakesValueList(op)

  bool operator==(const Filter&) const = default;
};

// Back to the grammar, e.g. "value_in(execution.phase,RUNNING;FAILED)"; used in error messages.
std::string FormatFilter(const Filter& filter);

// Parses `op(field,value)` terms joined by '+'. An empty expression is no filters. INVALID_ARGUMENT
// quoting the offending term on bad syntax, an unknown operator, or several values for an operator
// that takes one.
StatusOr<std::vector<Filter>> ParseFilters(std::string_view expression);

// How a column stores its values, which decides how filter text is converted before binding.
enum class ColumnKind {
  kText,
  kInteger,
  kTimestamp,  // integer unix milliseconds; filter values are RFC3339 ("2024-01-01T00:00:00Z")
  kDuration,   // integer milliseconds; filter values are seconds ("200", "1.5") or "1m30s"-style
  kEnum,       // integer; filter values are names from `enum_values` (or one of their numbers)
};

struct Column {
  std::string sql_name;  // trusted: written into the SQL verbatim
  ColumnKind kind = ColumnKind::kText;
  std::map<std::string, int64_t, std::less<>> enum_values;  // kEnum only
};

Column TextColumn(std::string sql_name);
Column IntegerColumn(std::string sql_name);
Column TimestampColumn(std::string sql_name);
Column DurationColumn(std::string sql_name);
Column EnumColumn(std::string sql_name, std::map<std::string, int64_t, std::less<>> values);

// What one list endpoint allows, keyed by the name a client writes: "phase", "launch_plan.name".
// A prefixed filter field matches only a key spelled with that prefix, so `task.name` never falls
// back to the listed entity's own `name`; use WithEntityPrefix to accept the endpoint's own prefix.
using ColumnMap = std::map<std::string, Column, std::less<>>;

// Adds "<entity>.<key>" for every key without a '.', so ListExecutions accepts "execution.phase"
// as well as "phase" (flyteadmin treats the listed entity's own prefix as no prefix).
ColumnMap WithEntityPrefix(std::string_view entity, ColumnMap columns);

// A SQL fragment with '?' placeholders and the values to bind, in order.
using SqlValue = std::variant<std::string, int64_t>;
struct SqlPredicate {
  std::string sql;  // terms joined by " AND "; empty when there are no filters
  std::vector<SqlValue> params;
};

// INVALID_ARGUMENT naming the term for an unknown field, a value that does not fit the column's
// kind, or contains/not_like on a non-text column.
StatusOr<SqlPredicate> ToSql(const std::vector<Filter>& filters, const ColumnMap& columns);

// Flyte's `sort_by{key, direction}` as "ORDER BY <column> ASC|DESC"; unknown key is INVALID_ARGUMENT.
StatusOr<std::string> OrderBy(std::string_view key, bool ascending, const ColumnMap& columns);

// Pagination tokens are decimal row offsets; "" is 0. Negative or non-numeric is INVALID_ARGUMENT.
StatusOr<int64_t> ParseToken(std::string_view token);

// The token for the next page: empty once a page came back short (fewer than `limit` rows).
std::string NextToken(int64_t offset, int64_t limit, int64_t returned);

}  // namespace flyte::admin
