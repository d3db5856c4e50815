#include "admin/list_request.h"

#include <doctest/doctest.h>

#include <functional>
#include <string>

#include "fakes/temp_dir.h"
#include "flyteidl/core/execution.pb.h"
#include "store/store.h"

namespace flyte::admin {
namespace {

using store::ResourceType;

// Runs one list of the store with `query`; only whether the store accepts it matters here.
using ListCall = std::function<Status(const store::ListQuery&)>;

// Every field an endpoint accepts must name a column its store list has: sorting (unless it only
// filters) and filtering on each one is accepted by the real store (a mismatch would turn a valid
// request into an error).
void CheckEveryFieldIsListable(const ColumnMap& columns, const ListCall& list) {
  for (const auto& entry : columns) {
    // Named variables, not a structured binding: clang 14 cannot capture those in CAPTURE's lambda.
    const std::string& field = entry.first;
    const Column& column = entry.second;
    CAPTURE(field);
    flyteidl::admin::Sort sort;
    sort.set_key(field);
    StatusOr<store::ListQuery> query = BuildListQuery({0, "", "", &sort}, columns, {});
    if (!column.sortable) {
      CHECK(absl::IsInvalidArgument(query.status()));
      query = BuildListQuery({0, "", "", nullptr}, columns, {});
    }
    REQUIRE_MESSAGE(query.ok(), query.status().ToString());
    const store::Value value =
        column.kind == ColumnKind::kText ? store::Value(std::string("x")) : store::Value(int64_t{0});
    query->where.push_back({column.store_column, store::Op::kEq, {value}});
    Status status = list(*query);
    CHECK_MESSAGE(status.ok(), status.ToString());
  }
}

TEST_CASE("every endpoint's fields are columns of its store list") {
  testing::TempDir dir;
  store::SqliteStores stores = *store::OpenSqliteStores(dir.path() / "registry.db");
  store::Registry& registry = *stores.registry;
  store::ExecutionStore& executions = *stores.executions;
  const store::ExecutionKey execution{"p", "d", "e"};

  CheckEveryFieldIsListable(EntityColumns(), [&](const store::ListQuery& query) {
    return registry.ListEntities(ResourceType::kTask, "p", "d", "", query).status();
  });
  CheckEveryFieldIsListable(LaunchPlanColumns(), [&](const store::ListQuery& query) {
    return registry.ListEntities(ResourceType::kLaunchPlan, "p", "d", "", query).status();
  });
  CheckEveryFieldIsListable(ProjectColumns(),
                            [&](const store::ListQuery& query) { return registry.ListProjects(query).status(); });
  CheckEveryFieldIsListable(NamedEntityColumns(), [&](const store::ListQuery& query) {
    return registry.ListNamedEntities(ResourceType::kWorkflow, "p", "d", query).status();
  });
  CheckEveryFieldIsListable(DescriptionColumns(), [&](const store::ListQuery& query) {
    return registry.ListDescriptions(ResourceType::kWorkflow, "p", "d", "", query).status();
  });
  CheckEveryFieldIsListable(ExecutionColumns(), [&](const store::ListQuery& query) {
    return executions.ListExecutions("p", "d", query).status();
  });
  CheckEveryFieldIsListable(NodeExecutionColumns(), [&](const store::ListQuery& query) {
    return executions.ListNodeExecutions(execution, "", query).status();
  });
  CheckEveryFieldIsListable(TaskExecutionColumns(), [&](const store::ListQuery& query) {
    return executions.ListTaskExecutions(execution, "n0", query).status();
  });
  CheckEveryFieldIsListable(
      SignalColumns(), [&](const store::ListQuery& query) { return stores.signals->List(execution, query).status(); });
}

TEST_CASE("BuildListQuery: page, default sort, and the request's sort instead of it") {
  const std::vector<store::SortKey> default_sort = {store::Descending(store::Column::kCreatedAt),
                                                    store::Descending(store::Column::kName)};
  StatusOr<store::ListQuery> query =
      BuildListQuery({0, "", "eq(phase,RUNNING)", nullptr}, ExecutionColumns(), default_sort);
  REQUIRE(query.ok());
  CHECK(query->limit == kDefaultLimit);
  CHECK(query->offset == 0);
  CHECK(query->sort == default_sort);
  CHECK(query->where ==
        std::vector<store::Predicate>{
            {store::Column::kPhase, store::Op::kEq, {int64_t{flyteidl::core::WorkflowExecution::RUNNING}}}});

  flyteidl::admin::Sort sort;
  sort.set_key("execution_created_at");
  sort.set_direction(flyteidl::admin::Sort::ASCENDING);
  query = BuildListQuery({20000, "40", "", &sort}, ExecutionColumns(), default_sort);
  REQUIRE(query.ok());
  CHECK(query->limit == kMaxLimit);
  CHECK(query->offset == 40);
  CHECK(query->sort == std::vector<store::SortKey>{store::Ascending(store::Column::kCreatedAt)});
  CHECK(NextPageToken(*query, kMaxLimit) == std::to_string(40 + kMaxLimit));
  CHECK(NextPageToken(*query, 3).empty());
}

}  // namespace
}  // namespace flyte::admin
