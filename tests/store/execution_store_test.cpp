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

}  // namespace
}  // namespace flyte::store
