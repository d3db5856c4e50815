#include <doctest/doctest.h>

#include "fakes/temp_dir.h"
#include "store/store.h"

namespace flyte::store {
namespace {

TEST_CASE("execution store: batches, lists and recovery queries") {
  testing::TempDir dir;
  const auto file = dir.path() / "registry.db";
  const ExecutionKey key{"p", "d", "abc"};
  {
    auto stores = OpenSqliteStores(file);
    REQUIRE(stores.ok());
    auto& executions = *stores->executions;
    ExecutionRow row;
    row.key = key;
    row.phase = 1;
    row.created_at = row.updated_at = 10;
    row.workflow = "wf";
    row.payload = "queued";
    REQUIRE(executions.CreateExecution(row).ok());
    CHECK(absl::IsAlreadyExists(executions.CreateExecution(row)));

    ExecutionWrite write;
    row.phase = 2;
    row.payload = "running";
    write.executions.push_back(row);
    write.nodes.push_back({key, "n0", "", 2, 11, 11, {1, 0, "launch-token", 11}, "node"});
    write.nodes.push_back({key, "n1-0-n2", "n1", 1, 12, 12, {}, "child"});
    write.tasks.push_back({key, "n0", 0, 2, 11, 11, "task"});
    REQUIRE(executions.Apply(write).ok());
  }
  // Everything survives reopening (a restart).
  auto stores = OpenSqliteStores(file);
  REQUIRE(stores.ok());
  auto& executions = *stores->executions;
  CHECK(executions.GetExecution(key)->payload == "running");
  auto active = executions.ListActiveExecutions();
  REQUIRE(active->size() == 1);
  auto top = executions.ListNodeExecutions(key, "", {{}, {Ascending(Column::kCreatedAt)}, 100, 0});
  REQUIRE(top->size() == 1);
  CHECK((*top)[0].progress.attempt_token == "launch-token");
  CHECK(executions.ListNodeExecutions(key, "n1", {{}, {}, 100, 0})->size() == 1);
  CHECK(executions.AllNodeExecutions(key)->size() == 2);
  CHECK(executions.GetTaskExecution(key, "n0", 0)->payload == "task");
  CHECK(absl::IsNotFound(executions.GetTaskExecution(key, "n0", 1).status()));
  CHECK(executions.ListTaskExecutions(key, "n0", {{}, {}, 100, 0})->size() == 1);

  ExecutionRow done = *executions.GetExecution(key);
  done.terminal = true;
  REQUIRE(executions.Apply({{done}, {}, {}}).ok());
  CHECK(executions.ListActiveExecutions()->empty());
  CHECK(executions.ListExecutions("p", "d", {{{Column::kWorkflowName, Op::kEq, {std::string("wf")}}}, {}, 10, 0})
            ->size() == 1);
}

TEST_CASE("execution store: tags and labels written at creation filter the list, as flyteadmin's execution_tags") {
  testing::TempDir dir;
  auto stores = OpenSqliteStores(dir.path() / "registry.db");
  REQUIRE(stores.ok());
  auto& executions = *stores->executions;
  auto create = [&](const std::string& name, std::vector<std::pair<std::string, std::string>> tags) {
    ExecutionRow row;
    row.key = {"p", "d", name};
    row.created_at = row.updated_at = 10;
    row.payload = name;
    row.tags = std::move(tags);
    REQUIRE(executions.CreateExecution(row).ok());
    return row;
  };
  ExecutionRow nightly = create("nightly", {{"nightly", ""}, {"team", "ml"}});
  create("adhoc", {{"adhoc", ""}, {"team", "data"}});
  create("bare", {});
  auto names = [&](std::vector<Predicate> where) {
    auto rows = executions.ListExecutions("p", "d", {std::move(where), {Ascending(Column::kName)}, 10, 0});
    REQUIRE_MESSAGE(rows.ok(), rows.status().ToString());
    std::vector<std::string> out;
    for (const ExecutionRow& row : *rows) out.push_back(row.key.name);
    return out;
  };
  using Names = std::vector<std::string>;
  CHECK(names({{Column::kTagKey, Op::kValueIn, {std::string("nightly"), std::string("adhoc")}}}) ==
        Names{"adhoc", "nightly"});
  CHECK(names({{Column::kTagKey, Op::kEq, {std::string("team")}}}) == Names{"adhoc", "nightly"});
  CHECK(names({{Column::kTagValue, Op::kEq, {std::string("ml")}}}) == Names{"nightly"});
  CHECK(names({{Column::kTagKey, Op::kEq, {std::string("none")}}}).empty());
  // Each execution once, however many of its tags match; the engine's later writes keep them.
  CHECK(names({{Column::kTagKey, Op::kContains, {std::string("")}}}) == Names{"adhoc", "nightly"});
  nightly.phase = 4;
  REQUIRE(executions.Apply({{nightly}, {}, {}}).ok());
  CHECK(names({{Column::kTagValue, Op::kEq, {std::string("ml")}}}) == Names{"nightly"});
}

}  // namespace
}  // namespace flyte::store
