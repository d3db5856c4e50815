// A page of a list as a typed value: predicates on the store's logical columns, a sort and a page.
// Callers say what they want; only the store turns it into SQL (see sql_query.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace flyte::store {

// What lists filter and sort on. Each name means the same thing in every list that has it; each
// list documents the ones it has, and a query naming another is INVALID_ARGUMENT.
enum class Column {
  kProject,  // the projects list: the project's id
  kDomain,
  kName,
  kVersion,
  kState,           // integer: the entity's or project's state enum
  kDescription,     // named entities
  kCreatedAt,       // integer, unix milliseconds
  kUpdatedAt,       // integer, unix milliseconds
  kStartedAt,       // executions; integer, unix milliseconds
  kDuration,        // executions; integer milliseconds
  kPhase,           // integer: the execution's, node's or attempt's phase enum
  kMode,            // executions; integer ExecutionMode
  kArchived,        // executions; integer 0/1 (flyteidl ExecutionState)
  kWorkflowName,    // launch plans: the workflow launched; executions: the workflow run
  kLaunchPlanName,  // executions
  kTaskName,        // executions of a single task
  kNodeId,
  kRetryAttempt,  // integer
  kSignalId,
  kTaskVersion,  // Flyte 2 runs: the version of the task run
  kParentName,   // Flyte 2 actions: the parent action's name ('' for a run's root)
  kActionType,   // Flyte 2 actions: integer flyteidl2.workflow.ActionType
  kPaused,       // Flyte 2 runs: integer 0/1, whether one of its conditions waits for a signal
  kTagKey,       // executions: one of its tags, or a label's key (a set: a predicate holds if one member meets it)
  kTagValue,     // executions: a label's value ('' for a tag)
  kCount,        // not a column: how many there are (sql_query.cpp names each)
};

// Flyte's ten filter functions (flyteadmin/pkg/common/filters.go).
enum class Op {
  kEq,
  kNe,
  kGt,
  kGte,
  kLt,
  kLte,
  kContains,    // text value, a substring in which LIKE's '%' and '_' are wildcards (as flyteadmin's LIKE '%v%')
  kNotLike,     // text value, a LIKE pattern ('%', '_', '\' escapes); both case-sensitive as on Postgres
  kValueIn,     // any number of values; none matches nothing
  kValueNotIn,  // any number of values; none matches everything
};

using Value = std::variant<std::string, int64_t>;

// `column op value`; only value_in / value_not_in take other than exactly one value.
struct Predicate {
  Column column = Column::kName;
  Op op = Op::kEq;
  std::vector<Value> values;
  bool operator==(const Predicate&) const = default;
};

enum class Direction { kAscending, kDescending };

struct SortKey {
  Column column = Column::kCreatedAt;
  Direction direction = Direction::kAscending;
  bool operator==(const SortKey&) const = default;
};

inline SortKey Ascending(Column column) { return {column, Direction::kAscending}; }
inline SortKey Descending(Column column) { return {column, Direction::kDescending}; }

struct ListQuery {
  std::vector<Predicate> where = {};  // all must hold
  std::vector<SortKey> sort = {};     // first key first; empty = unspecified order
  std::optional<int64_t> limit = {};  // rows in the page; nullopt = every row from `offset` on
  int64_t offset = 0;
};

}  // namespace flyte::store
