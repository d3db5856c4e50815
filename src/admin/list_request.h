// Turns the paging, sorting and filter fields of a list request into a store::ListQuery, checked
// against the columns that endpoint allows. One place for FlyteAdmin's list conventions.
#pragma once

#include <string>
#include <vector>

#include "admin/filters.h"
#include "common/status.h"
#include "flyteidl/admin/common.pb.h"
#include "store/list_query.h"

namespace flyte::admin {

struct ListParams {
  uint32_t limit = 0;  // 0 → kDefaultLimit
  std::string token;
  std::string filters;
  const flyteidl::admin::Sort* sort = nullptr;  // nullptr or empty key → the list's default sort
};

// The paging fields every Flyte list request spells the same way (limit, token, filters, sort_by).
template <typename Request>
ListParams ListParamsOf(const Request& request) {
  return {request.limit(), request.token(), request.filters(), request.has_sort_by() ? &request.sort_by() : nullptr};
}

inline constexpr int64_t kDefaultLimit = 100;
inline constexpr int64_t kMaxLimit = 10000;

// `default_sort` applies unless the request sorts; conditions a handler adds itself are further
// predicates pushed onto the query's `where`.
StatusOr<store::ListQuery> BuildListQuery(const ListParams& params, const ColumnMap& columns,
                                          std::vector<store::SortKey> default_sort);

// The next-page token for a page of `returned` rows fetched with `query`.
std::string NextPageToken(const store::ListQuery& query, size_t returned);

// Columns of each list, by the names clients filter and sort on.
const ColumnMap& EntityColumns();         // tasks, workflows
const ColumnMap& LaunchPlanColumns();     // launch plans
const ColumnMap& ProjectColumns();        // projects
const ColumnMap& NamedEntityColumns();    // named entities and *Ids lists
const ColumnMap& DescriptionColumns();    // description entities
const ColumnMap& ExecutionColumns();      // workflow executions
const ColumnMap& NodeExecutionColumns();  // node executions
const ColumnMap& TaskExecutionColumns();  // task executions (attempts)
const ColumnMap& SignalColumns();         // signals of an execution
const ColumnMap& RunColumns();            // Flyte 2 runs
const ColumnMap& ActionColumns();         // Flyte 2 actions of a run
const ColumnMap& V2TaskColumns();         // Flyte 2 deployed tasks (the latest version of each)
const ColumnMap& V2TaskVersionColumns();  // Flyte 2 versions of a deployed task

}  // namespace flyte::admin
