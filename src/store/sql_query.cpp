// SQL generation for list queries; see sql_query.h.
#include "store/sql_query.h"

#include <absl/status/status.h>

#include <array>

namespace flyte::store {
namespace {

// In Column's order; names a column in error messages.
constexpr std::array<std::string_view, 25> kColumnNames = {
    "project",          "domain",     "name",     "version",       "state",     "description",  "created_at",
    "updated_at",       "started_at", "duration", "phase",         "mode",      "archived",     "workflow_name",
    "launch_plan_name", "task_name",  "node_id",  "retry_attempt", "signal_id", "task_version", "parent_name",
    "action_type",      "paused",     "tag_key",  "tag_value",
};
static_assert(kColumnNames.size() == static_cast<size_t>(Column::kCount));

std::string_view ColumnName(Column column) { return kColumnNames[static_cast<size_t>(column)]; }

bool TakesValueList(Op op) { return op == Op::kValueIn || op == Op::kValueNotIn; }

bool IsPattern(Op op) { return op == Op::kContains || op == Op::kNotLike; }

// In Op's order; value_in / value_not_in have none (ListTerm writes their terms).
constexpr std::array<std::string_view, 10> kComparisons = {
    " = ?", " <> ?", " > ?", " >= ?", " < ?", " <= ?", " GLOB ?", " NOT GLOB ?", "", "",
};
static_assert(kComparisons.size() == static_cast<size_t>(Op::kValueNotIn) + 1);

std::string_view Comparison(Op op) { return kComparisons[static_cast<size_t>(op)]; }

StatusOr<std::string_view> SqlColumn(Column column, const ListColumns& columns) {
  if (auto it = columns.sql.find(column); it != columns.sql.end()) return it->second;
  return absl::InvalidArgumentError(std::string(columns.list) + " have no column '" + std::string(ColumnName(column)) +
                                    "'");
}

Status CheckShape(const Predicate& predicate) {
  const std::string column(ColumnName(predicate.column));
  if (!TakesValueList(predicate.op) && predicate.values.size() != 1) {
    return absl::InvalidArgumentError("a predicate on '" + column + "' takes exactly one value");
  }
  if (IsPattern(predicate.op) && !std::holds_alternative<std::string>(predicate.values.front())) {
    return absl::InvalidArgumentError("a pattern on '" + column + "' needs a text value");
  }
  return absl::OkStatus();
}

// value_in with no values matches nothing, value_not_in with none everything, as sets say.
std::string ListTerm(const Predicate& predicate, std::string_view column) {
  const bool in = predicate.op == Op::kValueIn;
  if (predicate.values.empty()) return in ? "0 = 1" : "1 = 1";
  std::string term = std::string(column) + (in ? " IN (" : " NOT IN (");
  for (size_t i = 0; i < predicate.values.size(); ++i) term += i == 0 ? "?" : ", ?";
  return term + ")";
}

Status AppendTerm(const Predicate& predicate, const ListColumns& columns, std::string& where,
                  std::vector<Value>& params) {
  const auto set = columns.sets.find(predicate.column);
  std::string_view column;
  if (set != columns.sets.end()) {
    column = set->second.field;
  } else {
    ASSIGN_OR_RETURN(column, SqlColumn(predicate.column, columns));
  }
  RETURN_IF_ERROR(CheckShape(predicate));
  if (!where.empty()) where += " AND ";
  std::string term =
      TakesValueList(predicate.op) ? ListTerm(predicate, column) : std::string(column).append(Comparison(predicate.op));
  // A set's term holds when one of the row's members meets it (flyteadmin's inner join).
  where += set == columns.sets.end()
               ? term
               : "EXISTS (SELECT 1 FROM " + std::string(set->second.members) + " AND " + term + ")";
  if (predicate.op == Op::kContains) {
    params.emplace_back(LikeToGlob("%" + std::get<std::string>(predicate.values.front()) + "%"));
  } else if (predicate.op == Op::kNotLike) {
    params.emplace_back(LikeToGlob(std::get<std::string>(predicate.values.front())));
  } else {
    params.insert(params.end(), predicate.values.begin(), predicate.values.end());
  }
  return absl::OkStatus();
}

StatusOr<std::string> OrderBy(const std::vector<SortKey>& sort, const ListColumns& columns) {
  std::string order;
  for (const SortKey& key : sort) {
    ASSIGN_OR_RETURN(std::string_view column, SqlColumn(key.column, columns));
    order += order.empty() ? " ORDER BY " : ", ";
    order.append(column).append(key.direction == Direction::kAscending ? " ASC" : " DESC");
  }
  return order;
}

}  // namespace

StatusOr<PagedSql> Paged(std::string select, const ListQuery& query, const ListColumns& columns) {
  PagedSql out;
  std::string where;
  for (const Predicate& predicate : query.where) RETURN_IF_ERROR(AppendTerm(predicate, columns, where, out.params));
  ASSIGN_OR_RETURN(std::string order, OrderBy(query.sort, columns));
  out.sql = std::move(select);
  if (!where.empty()) out.sql += " AND (" + where + ")";
  out.sql += order + " LIMIT ? OFFSET ?";
  out.params.emplace_back(query.limit.value_or(-1));  // SQLite: a negative limit is none
  out.params.emplace_back(query.offset);
  return out;
}

StatusOr<PagedSql> SelectSql(std::string_view table, std::string_view columns, const Match& match,
                             const ListQuery* query, const ListColumns* list) {
  PagedSql out;
  out.sql.append("SELECT ").append(columns).append(" FROM ").append(table).append(" WHERE ");
  if (match.empty()) out.sql += "1";
  for (size_t i = 0; i < match.size(); ++i) {
    out.sql.append(i == 0 ? "" : " AND ").append(match[i].first).append(" = ?");
    out.params.push_back(match[i].second);
  }
  if (query == nullptr) return out;
  ASSIGN_OR_RETURN(PagedSql paged, Paged(std::move(out.sql), *query, *list));
  out.sql = std::move(paged.sql);
  out.params.insert(out.params.end(), paged.params.begin(), paged.params.end());
  return out;
}

std::string LikeToGlob(std::string_view like) {
  std::string glob;
  for (size_t i = 0; i < like.size(); ++i) {
    char c = like[i];
    if (c == '%') {
      glob += '*';
      continue;
    }
    if (c == '_') {
      glob += '?';
      continue;
    }
    if (c == '\\' && i + 1 < like.size()) c = like[++i];
    if (c == '*' || c == '?' || c == '[') {
      glob += '[';
      glob += c;
      glob += ']';
    } else {
      glob += c;
    }
  }
  return glob;
}

}  // namespace flyte::store
