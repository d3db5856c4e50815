// FlyteAdmin's list-request grammar: the `filters` string, `sort_by` and pagination tokens, checked
// against what one list endpoint allows and turned into the store's typed predicates and sort.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/list_query.h"

namespace flyte::admin {

// The ten functions flyteadmin knows (flyteadmin/pkg/common/filters.go), which the store's list
// queries take as they are.
using FilterOp = store::Op;

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

// How a column stores its values, which decides how filter text is converted for the store.
enum class ColumnKind {
  kText,
  kInteger,
  kTimestamp,  // integer unix milliseconds; filter values are RFC3339 ("2024-01-01T00:00:00Z")
  kDuration,   // integer milliseconds; filter values are seconds ("200", "1.5") or "1m30s"-style
  kEnum,       // integer; filter values are names from `enum_values` (or one of their numbers)
};

// An API field: the store's column behind it and how its filter text becomes a typed value.
struct Column {
  store::Column store_column = store::Column::kName;
  ColumnKind kind = ColumnKind::kText;
  std::map<std::string, int64_t, std::less<>> enum_values;  // kEnum only
  bool sortable = true;                                     // false for a row's set (an execution's tags): filters only
};

Column TextColumn(store::Column store_column);
Column TextSetColumn(store::Column store_column);
Column IntegerColumn(store::Column store_column);
Column TimestampColumn(store::Column store_column);
Column DurationColumn(store::Column store_column);
Column EnumColumn(store::Column store_column, std::map<std::string, int64_t, std::less<>> values);

// What one list endpoint allows, keyed by the name a client writes: "phase", "launch_plan.name".
// A prefixed filter field matches only a key spelled with that prefix, so `task.name` never falls
// back to the listed entity's own `name`; use WithEntityPrefix to accept the endpoint's own prefix.
using ColumnMap = std::map<std::string, Column, std::less<>>;

// Adds "<entity>.<key>" for every key without a '.', so ListExecutions accepts "execution.phase"
// as well as "phase" (flyteadmin treats the listed entity's own prefix as no prefix).
ColumnMap WithEntityPrefix(std::string_view entity, ColumnMap columns);

// One store predicate per filter, values converted by the column's kind. INVALID_ARGUMENT naming
// the term for an unknown field, a value that does not fit the column's kind, or contains/not_like
// on a non-text column.
StatusOr<std::vector<store::Predicate>> ToPredicates(const std::vector<Filter>& filters, const ColumnMap& columns);

// Flyte's `sort_by{key, direction}` as a store sort key; an unknown key is INVALID_ARGUMENT.
StatusOr<store::SortKey> SortKeyOf(std::string_view key, bool ascending, const ColumnMap& columns);

// Pagination tokens are decimal row offsets; "" is 0. Negative or non-numeric is INVALID_ARGUMENT.
StatusOr<int64_t> ParseToken(std::string_view token);

// The token for the next page: empty once a page came back short (fewer than `limit` rows).
std::string NextToken(int64_t offset, int64_t limit, int64_t returned);

}  // namespace flyte::admin
