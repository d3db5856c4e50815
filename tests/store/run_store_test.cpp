#include <doctest/doctest.h>

#include "fakes/temp_dir.h"
#include "store/store.h"

namespace flyte::store {
namespace {

// flyteidl2.common.ActionPhase values the tests step through.
constexpr int64_t kQueued = 1;
constexpr int64_t kRunning = 4;
constexpr int64_t kSucceeded = 5;
constexpr int64_t kFailed = 6;

ActionKey Key(const std::string& run, const std::string& name = "a0") { return {"p", "d", run, name}; }

ActionRow Root(const std::string& run, int64_t created_at, const std::string& task = "hello.main") {
  ActionRow row;
  row.key = Key(run);
  row.action_type = 1;
  row.task_name = task;
  row.task_version = "v1";
  row.phase = kQueued;
  row.created_at = created_at;
  row.updated_at = created_at;
  row.spec = "spec-bytes";
  row.metadata = "metadata-bytes";
  return row;
}

std::vector<std::string> RunNames(const StatusOr<std::vector<ActionRow>>& rows) {
  REQUIRE(rows.ok());
  std::vector<std::string> names;
  for (const auto& row : *rows) names.push_back(row.key.run);
  return names;
}

TEST_CASE("run store: a run is its root action, queued with its first attempt, and survives a reopen") {
  testing::TempDir dir;
  const auto file = dir.path() / "registry.db";
  {
    auto stores = OpenSqliteStores(file);
    REQUIRE(stores.ok());
    RunStore& runs = *stores->runs;
    CHECK(absl::IsNotFound(runs.GetAction(Key("r1")).status()));
    REQUIRE(runs.CreateAction(Root("r1", 1000), "/out/r1/a0/1").ok());
    CHECK(absl::IsAlreadyExists(runs.CreateAction(Root("r1", 2000), "")));
  }
  auto stores = OpenSqliteStores(file);
  REQUIRE(stores.ok());
  auto got = stores->runs->GetAction(Key("r1"));
  REQUIRE(got.ok());
  CHECK(got->phase == kQueued);
  CHECK(got->attempts == 1);
  CHECK_FALSE(got->terminal);
  CHECK(got->spec == "spec-bytes");
  CHECK(got->metadata == "metadata-bytes");
  CHECK(got->task_name == "hello.main");
  CHECK(got->created_at == 1000);
  CHECK(got->started_at == 0);
  auto attempts = stores->runs->GetAttempts(Key("r1"));
  REQUIRE(attempts.ok());
  REQUIRE(attempts->size() == 1);
  CHECK(attempts->at(0).attempt == 1);
  CHECK(attempts->at(0).output_uri == "/out/r1/a0/1");
  CHECK(attempts->at(0).phases == std::vector<PhaseEntered>{{kQueued, 1000}});
}

TEST_CASE("run store: phases move the attempt and the action; a retry is a new attempt; an ended action stays") {
  testing::TempDir dir;
  auto stores = OpenSqliteStores(dir.path() / "registry.db");
  REQUIRE(stores.ok());
  RunStore& runs = *stores->runs;
  REQUIRE(runs.CreateAction(Root("r1", 1000), "/o/1").ok());

  REQUIRE(runs.Transition(Key("r1"), {.attempt = 1, .phase = kRunning, .at = 1100}).ok());
  // Entering the phase it is in again (an at-least-once caller) records nothing new.
  REQUIRE(runs.Transition(Key("r1"), {.attempt = 1, .phase = kRunning, .at = 1150}).ok());
  REQUIRE(
      runs.Transition(Key("r1"), {.attempt = 1, .phase = kFailed, .ends_attempt = true, .at = 1200, .error = "oops"})
          .ok());
  // The action goes on in its phase while a retry follows.
  CHECK(runs.GetAction(Key("r1"))->phase == kRunning);
  // Attempt 3 before 2, or attempt 1 again, is refused.
  CHECK(absl::IsFailedPrecondition(runs.Transition(Key("r1"), {.attempt = 3, .phase = kQueued, .at = 1250})));
  REQUIRE(runs.Transition(Key("r1"), {.attempt = 2, .phase = kQueued, .at = 1300, .output_uri = "/o/2"}).ok());
  CHECK(absl::IsFailedPrecondition(runs.Transition(Key("r1"), {.attempt = 1, .phase = kRunning, .at = 1350})));
  REQUIRE(runs.Transition(Key("r1"), {.attempt = 2, .phase = kRunning, .at = 1400}).ok());
  REQUIRE(runs.Transition(Key("r1"), {.attempt = 2, .phase = kSucceeded, .ends_action = true, .at = 1500}).ok());
  CHECK(absl::IsFailedPrecondition(
      runs.Transition(Key("r1"), {.attempt = 2, .phase = kFailed, .ends_action = true, .at = 1600})));
  CHECK(absl::IsNotFound(runs.Transition(Key("nope"), {.attempt = 1, .phase = kRunning, .at = 1})));

  auto action = runs.GetAction(Key("r1"));
  REQUIRE(action.ok());
  CHECK(action->phase == kSucceeded);
  CHECK(action->terminal);
  CHECK(action->attempts == 2);
  CHECK(action->started_at == 1100);
  CHECK(action->ended_at == 1500);
  CHECK(action->updated_at == 1500);
  CHECK(action->error == "oops");  // the last failure is kept for the record

  auto attempts = runs.GetAttempts(Key("r1"));
  REQUIRE(attempts.ok());
  REQUIRE(attempts->size() == 2);
  CHECK(attempts->at(0).phase == kFailed);
  CHECK(attempts->at(0).error == "oops");
  CHECK(attempts->at(0).ended_at == 1200);
  CHECK(attempts->at(0).phases == std::vector<PhaseEntered>{{kQueued, 1000}, {kRunning, 1100}, {kFailed, 1200}});
  CHECK(attempts->at(1).output_uri == "/o/2");
  CHECK(attempts->at(1).started_at == 1300);
  CHECK(attempts->at(1).ended_at == 1500);
  CHECK(attempts->at(1).phases == std::vector<PhaseEntered>{{kQueued, 1300}, {kRunning, 1400}, {kSucceeded, 1500}});
}

TEST_CASE("run store: runs list root actions only, filtered, sorted and paged; actions list one run's") {
  testing::TempDir dir;
  auto stores = OpenSqliteStores(dir.path() / "registry.db");
  REQUIRE(stores.ok());
  RunStore& runs = *stores->runs;
  REQUIRE(runs.CreateAction(Root("r1", 1000), "").ok());
  REQUIRE(runs.CreateAction(Root("r2", 2000, "other.task"), "").ok());
  REQUIRE(runs.CreateAction(Root("r3", 3000), "").ok());
  ActionRow child = Root("r1", 1500);
  child.key.name = "child1";
  child.parent = "a0";
  REQUIRE(runs.CreateAction(child, "").ok());
  ActionRow elsewhere = Root("r4", 4000);
  elsewhere.key.project = "q";
  REQUIRE(runs.CreateAction(elsewhere, "").ok());
  REQUIRE(runs.Transition(Key("r3"), {.attempt = 1, .phase = kRunning, .at = 3100}).ok());

  const Predicate in_p{Column::kProject, Op::kEq, {std::string("p")}};
  const Predicate in_d{Column::kDomain, Op::kEq, {std::string("d")}};
  CHECK(RunNames(runs.ListRuns({.where = {in_p, in_d}, .sort = {Descending(Column::kCreatedAt)}})) ==
        std::vector<std::string>{"r3", "r2", "r1"});
  CHECK(RunNames(runs.ListRuns({.sort = {Ascending(Column::kCreatedAt)}})) ==
        std::vector<std::string>{"r1", "r2", "r3", "r4"});
  CHECK(RunNames(runs.ListRuns({.where = {in_p, {Column::kPhase, Op::kEq, {kQueued}}},
                                .sort = {Ascending(Column::kCreatedAt)}})) == std::vector<std::string>{"r1", "r2"});
  CHECK(RunNames(runs.ListRuns({.where = {{Column::kTaskName, Op::kEq, {std::string("other.task")}}}})) ==
        std::vector<std::string>{"r2"});
  CHECK(RunNames(runs.ListRuns({.where = {in_p}, .sort = {Ascending(Column::kCreatedAt)}, .limit = 2, .offset = 2})) ==
        std::vector<std::string>{"r3"});

  auto actions = runs.ListActions(Key("r1"), {.sort = {Ascending(Column::kCreatedAt)}});
  REQUIRE(actions.ok());
  REQUIRE(actions->size() == 2);
  CHECK(actions->at(0).key.name == "a0");
  CHECK(actions->at(1).key.name == "child1");
  CHECK(actions->at(1).parent == "a0");
  auto children = runs.ListActions(Key("r1"), {.where = {{Column::kParentName, Op::kEq, {std::string("a0")}}}});
  REQUIRE(children.ok());
  REQUIRE(children->size() == 1);
  CHECK(children->at(0).key.name == "child1");
}

TEST_CASE("run store: the unfinished actions of every run, oldest first; an abort keeps its reason") {
  testing::TempDir dir;
  auto stores = OpenSqliteStores(dir.path() / "registry.db");
  REQUIRE(stores.ok());
  RunStore& runs = *stores->runs;
  REQUIRE(runs.CreateAction(Root("r2", 2000), "").ok());
  REQUIRE(runs.CreateAction(Root("r1", 1000), "").ok());
  REQUIRE(runs.CreateAction(Root("r3", 3000), "").ok());
  CHECK(RunNames(runs.ListUnfinished()) == std::vector<std::string>{"r1", "r2", "r3"});
  constexpr int64_t kAborted = 7;
  REQUIRE(
      runs.Transition(
              Key("r2"),
              {.phase = kAborted, .ends_attempt = true, .ends_action = true, .at = 4000, .abort_reason = "user asked"})
          .ok());
  CHECK(RunNames(runs.ListUnfinished()) == std::vector<std::string>{"r1", "r3"});
  CHECK(runs.GetAction(Key("r2"))->abort_reason == "user asked");
  CHECK(runs.GetAction(Key("r2"))->phase == kAborted);
}

}  // namespace
}  // namespace flyte::store
