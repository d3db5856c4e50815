#include "store/run_feed.h"

#include <doctest/doctest.h>

#include <atomic>

#include "fakes/temp_dir.h"
#include "store/store.h"

namespace flyte::store {
namespace {

ActionKey Key(const std::string& name, const std::string& run = "r1") { return {"p", "d", run, name}; }

WatchTopic Children(const std::string& parent, const std::string& run = "r1") {
  return {WatchTopic::Scope::kChildren, Key(parent, run)};
}

std::vector<std::string> NamesOf(const RunFeed::Pending& pending) {
  std::vector<std::string> names;
  for (const auto& key : pending.changed) names.push_back(key.name);
  return names;
}

TEST_CASE("run feed: a change reaches the action's, its run's and its parent's watchers, each woken once") {
  RunFeed feed;
  int woken_children = 0;
  int woken_action = 0;
  int woken_run = 0;
  auto children = feed.Subscribe(Children("a0"), [&] { ++woken_children; });
  auto action = feed.Subscribe({WatchTopic::Scope::kAction, Key("c1")}, [&] { ++woken_action; });
  auto run = feed.Subscribe({WatchTopic::Scope::kRun, Key("")}, [&] { ++woken_run; });
  auto other_run = feed.Subscribe({WatchTopic::Scope::kRun, Key("", "r2")}, [] { FAIL("another run's watcher"); });
  CHECK(feed.subscribers() == 4);

  feed.Publish(Key("c1"), "a0");
  feed.Publish(Key("c2"), "a0");
  feed.Publish(Key("c1"), "a0");  // coalesces with the first notice
  CHECK(woken_children == 1);     // woken when its first notice arrived, not again until taken
  CHECK(woken_action == 1);
  CHECK(woken_run == 1);
  CHECK(NamesOf(children->Take()) == std::vector<std::string>{"c1", "c2"});
  CHECK(NamesOf(action->Take()) == std::vector<std::string>{"c1"});
  CHECK(NamesOf(run->Take()) == std::vector<std::string>{"c1", "c2"});
  CHECK(children->Take().changed.empty());

  feed.Publish(Key("c2"), "a0");
  CHECK(woken_children == 2);
  CHECK(woken_action == 1);  // not its action
}

TEST_CASE("run feed: a parent's watcher hears of its direct children only") {
  RunFeed feed;
  auto children = feed.Subscribe(Children("a0"), [] {});
  auto grandchildren = feed.Subscribe(Children("c1"), [] {});
  feed.Publish(Key("a0"), "");    // the root itself
  feed.Publish(Key("c1"), "a0");  // a child
  feed.Publish(Key("g1"), "c1");  // a grandchild
  CHECK(NamesOf(children->Take()) == std::vector<std::string>{"c1"});
  CHECK(NamesOf(grandchildren->Take()) == std::vector<std::string>{"g1"});
}

TEST_CASE("run feed: a slow watcher's notices are bounded; past the bound it is told to read everything again") {
  RunFeed feed(3);
  int woken = 0;
  auto slow = feed.Subscribe(Children("a0"), [&] { ++woken; });
  for (int i = 0; i < 10; ++i) feed.Publish(Key("c" + std::to_string(i)), "a0");
  CHECK(woken == 1);
  const RunFeed::Pending pending = slow->Take();
  CHECK(pending.overflowed);
  CHECK(pending.changed.empty());
  feed.Publish(Key("c1"), "a0");
  const RunFeed::Pending next = slow->Take();
  CHECK_FALSE(next.overflowed);
  CHECK(NamesOf(next) == std::vector<std::string>{"c1"});
}

TEST_CASE("run feed: a watcher that goes is forgotten; the others go on") {
  RunFeed feed;
  std::atomic<int> woken{0};
  auto stays = feed.Subscribe(Children("a0"), [&] { ++woken; });
  {
    auto goes = feed.Subscribe(Children("a0"), [] { FAIL("woken after it went"); });
    auto alone = feed.Subscribe({WatchTopic::Scope::kAction, Key("c9")}, [] {});
    CHECK(feed.subscribers() == 3);
  }
  CHECK(feed.subscribers() == 1);
  feed.Publish(Key("c1"), "a0");
  feed.Publish(Key("c9"), "a0");
  CHECK(woken == 1);
  stays.reset();
  CHECK(feed.subscribers() == 0);
}

ActionRow Child(const std::string& name, const std::string& parent) {
  ActionRow row;
  row.key = Key(name);
  row.parent = parent;
  row.action_type = 1;
  row.phase = 1;  // QUEUED
  row.created_at = 1000;
  row.updated_at = 1000;
  row.spec = "spec";
  row.metadata = "metadata";
  return row;
}

TEST_CASE("run feed: every committed write of the run store is published; a failed one is not") {
  testing::TempDir dir;
  auto stores = OpenSqliteStores(dir.path() / "registry.db");
  REQUIRE(stores.ok());
  RunStore& runs = *stores->runs;
  REQUIRE(runs.CreateAction(Child("a0", ""), "/o/a0/1").ok());
  // Subscribe first, then read what is there: a child committed in between is both read and notified.
  auto watch = runs.feed().Subscribe(Children("a0"), [] {});
  REQUIRE(runs.CreateAction(Child("c1", "a0"), "/o/c1/1").ok());
  auto listed = runs.ListActions(Key(""), {.where = {{Column::kParentName, Op::kEq, {std::string("a0")}}}});
  REQUIRE(listed.ok());
  CHECK(listed->size() == 1);
  CHECK(NamesOf(watch->Take()) == std::vector<std::string>{"c1"});

  CHECK(absl::IsAlreadyExists(runs.CreateAction(Child("c1", "a0"), "")));
  CHECK(watch->Take().changed.empty());

  REQUIRE(runs.Transition(Key("c1"), {.attempt = 1, .phase = 4, .at = 1100}).ok());
  CHECK(NamesOf(watch->Take()) == std::vector<std::string>{"c1"});
  REQUIRE(runs.Transition(Key("c1"), {.attempt = 2, .phase = 4, .at = 1200}).ok());  // a retry
  CHECK(NamesOf(watch->Take()) == std::vector<std::string>{"c1"});
  REQUIRE(runs.RequestAbort(Key("c1"), "user asked", 1300).ok());
  CHECK(NamesOf(watch->Take()) == std::vector<std::string>{"c1"});
  auto row = runs.GetAction(Key("c1"));
  REQUIRE(row.ok());
  CHECK(row->abort_reason == "user asked");
  CHECK(absl::IsNotFound(runs.RequestAbort(Key("nope"), "why", 1400)));
  CHECK(absl::IsFailedPrecondition(runs.Transition(Key("c1"), {.attempt = 7, .phase = 4, .at = 1500})));
  CHECK(watch->Take().changed.empty());
}

TEST_CASE("run store: a trace is recorded finished, its one attempt ended, and cannot be aborted") {
  testing::TempDir dir;
  auto stores = OpenSqliteStores(dir.path() / "registry.db");
  REQUIRE(stores.ok());
  RunStore& runs = *stores->runs;
  ActionRow trace = Child("t1", "a0");
  trace.phase = 5;  // SUCCEEDED
  trace.terminal = true;
  trace.ended_at = 1500;
  REQUIRE(runs.CreateAction(trace, "/o/t1/outputs").ok());
  auto attempts = runs.GetAttempts(Key("t1"));
  REQUIRE(attempts.ok());
  REQUIRE(attempts->size() == 1);
  CHECK(attempts->at(0).phase == 5);
  CHECK(attempts->at(0).ended_at != 0);
  CHECK(absl::IsFailedPrecondition(runs.RequestAbort(Key("t1"), "late", 1600)));
}

}  // namespace
}  // namespace flyte::store
