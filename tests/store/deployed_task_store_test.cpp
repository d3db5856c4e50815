#include <doctest/doctest.h>

#include "fakes/temp_dir.h"
#include "store/store.h"

namespace flyte::store {
namespace {

DeployedTaskRow Task(const std::string& name, const std::string& version, int64_t created_at,
                     const std::string& spec = "spec", const std::string& project = "p") {
  DeployedTaskRow row;
  row.key = {project, "d", name, version};
  row.org = "o";
  row.environment = "env";
  row.short_name = name + "-short";
  row.created_at = created_at;
  row.digest = "digest-of-" + spec;
  row.spec = spec;
  return row;
}

std::vector<std::string> Ids(const StatusOr<std::vector<DeployedTaskRow>>& rows) {
  REQUIRE(rows.ok());
  std::vector<std::string> ids;
  for (const auto& row : *rows) ids.push_back(row.key.name + "@" + row.key.version);
  return ids;
}

ListQuery Page(std::vector<Predicate> where, int64_t limit, int64_t offset = 0) {
  return {std::move(where), {Descending(Column::kCreatedAt)}, limit, offset};
}

TEST_CASE("deployed task store: a version round-trips, survives a reopen, and is NOT_FOUND by another key") {
  testing::TempDir dir;
  const auto file = dir.path() / "registry.db";
  {
    auto stores = OpenSqliteStores(file);
    REQUIRE(stores.ok());
    REQUIRE(stores->tasks->Put(Task("env.hello", "v1", 1000, "spec-bytes")).ok());
  }
  auto stores = OpenSqliteStores(file);
  REQUIRE(stores.ok());
  auto got = stores->tasks->Get({"p", "d", "env.hello", "v1"});
  REQUIRE(got.ok());
  CHECK(got->org == "o");
  CHECK(got->environment == "env");
  CHECK(got->short_name == "env.hello-short");
  CHECK(got->created_at == 1000);
  CHECK(got->digest == "digest-of-spec-bytes");
  CHECK(got->spec == "spec-bytes");
  const auto missing = stores->tasks->Get({"p", "d", "env.hello", "v2"});
  REQUIRE(absl::IsNotFound(missing.status()));
  CHECK(missing.status().message() == "task p/d/env.hello version v2 not found");
  CHECK(absl::IsNotFound(stores->tasks->Get({"p", "other", "env.hello", "v1"}).status()));
}

TEST_CASE("deployed task store: the same spec again is no change, another spec at the version ALREADY_EXISTS") {
  testing::TempDir dir;
  auto stores = OpenSqliteStores(dir.path() / "registry.db");
  REQUIRE(stores.ok());
  DeployedTaskStore& tasks = *stores->tasks;
  REQUIRE(tasks.Put(Task("env.hello", "v1", 1000, "a")).ok());
  // Deployed again later: the first deployment's time is kept.
  REQUIRE(tasks.Put(Task("env.hello", "v1", 5000, "a")).ok());
  const Status conflict = tasks.Put(Task("env.hello", "v1", 6000, "b"));
  REQUIRE(absl::IsAlreadyExists(conflict));
  CHECK(std::string(conflict.message()).find("env.hello version v1") != std::string::npos);
  auto got = tasks.Get({"p", "d", "env.hello", "v1"});
  REQUIRE(got.ok());
  CHECK(got->spec == "a");
  CHECK(got->created_at == 1000);
  // The same version of another task, or in another project, is another task.
  CHECK(tasks.Put(Task("env.other", "v1", 1000, "b")).ok());
  CHECK(tasks.Put(Task("env.hello", "v1", 1000, "b", "q")).ok());
}

TEST_CASE("deployed task store: ListLatest pages the latest version of each task; ListVersions a task's versions") {
  testing::TempDir dir;
  auto stores = OpenSqliteStores(dir.path() / "registry.db");
  REQUIRE(stores.ok());
  DeployedTaskStore& tasks = *stores->tasks;
  REQUIRE(tasks.Put(Task("env.a", "v1", 1000)).ok());
  REQUIRE(tasks.Put(Task("env.b", "v1", 2000)).ok());
  REQUIRE(tasks.Put(Task("env.a", "v2", 3000)).ok());
  REQUIRE(tasks.Put(Task("env.c", "v1", 4000)).ok());
  REQUIRE(tasks.Put(Task("env.c", "v0", 4000)).ok());  // same time: the greater version is the latest
  REQUIRE(tasks.Put(Task("env.a", "v9", 9000, "spec", "q")).ok());

  const Predicate in_p{Column::kProject, Op::kEq, {std::string("p")}};
  const Predicate in_d{Column::kDomain, Op::kEq, {std::string("d")}};
  CHECK(Ids(tasks.ListLatest(Page({in_p, in_d}, 2))) == std::vector<std::string>{"env.c@v1", "env.a@v2"});
  CHECK(Ids(tasks.ListLatest(Page({in_p, in_d}, 2, 2))) == std::vector<std::string>{"env.b@v1"});
  // Every project's without a scope; filters on the name.
  CHECK(Ids(tasks.ListLatest(Page({}, 10))) ==
        std::vector<std::string>{"env.a@v9", "env.c@v1", "env.a@v2", "env.b@v1"});
  CHECK(Ids(tasks.ListLatest(Page({in_p, in_d, {Column::kName, Op::kEq, {std::string("env.a")}}}, 10))) ==
        std::vector<std::string>{"env.a@v2"});
  CHECK(Ids(tasks.ListLatest(Page({in_p, {Column::kName, Op::kContains, {std::string("env.")}}}, 10))) ==
        std::vector<std::string>{"env.c@v1", "env.a@v2", "env.b@v1"});
  CHECK(absl::IsInvalidArgument(tasks.ListLatest(Page({{Column::kPhase, Op::kEq, {int64_t{1}}}}, 10)).status()));

  CHECK(Ids(tasks.ListVersions({"p", "d", "env.a", ""}, Page({}, 10))) ==
        std::vector<std::string>{"env.a@v2", "env.a@v1"});
  CHECK(Ids(tasks.ListVersions({"p", "d", "env.a", ""}, Page({}, 1, 1))) == std::vector<std::string>{"env.a@v1"});
  CHECK(Ids(tasks.ListVersions({"p", "d", "env.a", ""}, {{}, {Ascending(Column::kVersion)}, {}, 0})) ==
        std::vector<std::string>{"env.a@v1", "env.a@v2"});
  CHECK(Ids(tasks.ListVersions({"p", "d", "env.z", ""}, Page({}, 10))).empty());
}

}  // namespace
}  // namespace flyte::store
