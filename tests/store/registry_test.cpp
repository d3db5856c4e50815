#include "store/registry.h"

#include <doctest/doctest.h>

#include "fakes/temp_dir.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace flyte::store {
namespace {

StatusOr<std::unique_ptr<Registry>> OpenRegistry(const std::filesystem::path& file) {
  ASSIGN_OR_RETURN(SqliteStores stores, OpenSqliteStores(file));
  return std::move(stores.registry);
}

EntityRow Entity(ResourceType type, const std::string& name, const std::string& version, int64_t created_at) {
  EntityRow row;
  row.key = {type, "p", "d", name, version};
  row.created_at = row.updated_at = created_at;
  row.digest = "digest-" + version;
  row.payload = "payload-" + name + "-" + version;
  return row;
}

TEST_CASE("registry: migrations run once and survive reopening") {
  testing::TempDir dir;
  const auto file = dir.path() / "registry.db";
  {
    auto registry = OpenRegistry(file);
    REQUIRE(registry.ok());
    REQUIRE((*registry)->CreateEntity(Entity(ResourceType::kTask, "t", "v1", 1)).ok());
  }
  auto reopened = OpenRegistry(file);
  REQUIRE(reopened.ok());
  auto row = (*reopened)->GetEntity({ResourceType::kTask, "p", "d", "t", "v1"});
  REQUIRE(row.ok());
  CHECK(row->payload == "payload-t-v1");
}

TEST_CASE("registry: a newer schema is refused") {
  testing::TempDir dir;
  const auto file = dir.path() / "registry.db";
  {
    auto db = Database::Open(file);
    REQUIRE(db.ok());
    REQUIRE((*db)->Exec("PRAGMA user_version = 999").ok());
  }
  auto registry = OpenRegistry(file);
  REQUIRE_FALSE(registry.ok());
  CHECK(absl::IsFailedPrecondition(registry.status()));
}

TEST_CASE("registry: entities are unique per key, listed with filters and paging") {
  testing::TempDir dir;
  auto registry = *OpenRegistry(dir.path() / "registry.db");
  for (int i = 1; i <= 5; ++i) {
    REQUIRE(registry->CreateEntity(Entity(ResourceType::kTask, "t", "v" + std::to_string(i), i)).ok());
  }
  REQUIRE(registry->CreateEntity(Entity(ResourceType::kWorkflow, "t", "v1", 1)).ok());
  CHECK(absl::IsAlreadyExists(registry->CreateEntity(Entity(ResourceType::kTask, "t", "v1", 9))));
  CHECK(absl::IsNotFound(registry->GetEntity({ResourceType::kTask, "p", "d", "t", "v9"}).status()));

  ListQuery page{{}, {Descending(Column::kCreatedAt)}, 2, 0};
  auto first = registry->ListEntities(ResourceType::kTask, "p", "d", "t", page);
  REQUIRE(first.ok());
  REQUIRE(first->size() == 2);
  CHECK((*first)[0].key.version == "v5");
  page.offset = 4;
  CHECK(registry->ListEntities(ResourceType::kTask, "p", "d", "", page)->size() == 1);

  ListQuery filtered{{{Column::kVersion, Op::kEq, {std::string("v3")}}}, {}, 100, 0};
  auto only = registry->ListEntities(ResourceType::kTask, "p", "d", "", filtered);
  REQUIRE(only->size() == 1);
  CHECK((*only)[0].digest == "digest-v3");
}

TEST_CASE("registry: activating a launch plan version deactivates the others") {
  testing::TempDir dir;
  auto registry = *OpenRegistry(dir.path() / "registry.db");
  REQUIRE(registry->CreateEntity(Entity(ResourceType::kLaunchPlan, "lp", "v1", 1)).ok());
  REQUIRE(registry->CreateEntity(Entity(ResourceType::kLaunchPlan, "lp", "v2", 2)).ok());
  REQUIRE(registry->SetLaunchPlanState({ResourceType::kLaunchPlan, "p", "d", "lp", "v1"}, 1, 10).ok());
  REQUIRE(registry->SetLaunchPlanState({ResourceType::kLaunchPlan, "p", "d", "lp", "v2"}, 1, 11).ok());
  CHECK(registry->GetEntity({ResourceType::kLaunchPlan, "p", "d", "lp", "v1"})->state == 0);
  auto active = registry->GetEntity({ResourceType::kLaunchPlan, "p", "d", "lp", "v2"});
  CHECK(active->state == 1);
  CHECK(active->updated_at == 11);
  CHECK(absl::IsNotFound(registry->SetLaunchPlanState({ResourceType::kLaunchPlan, "p", "d", "lp", "v9"}, 1, 12)));
}

TEST_CASE("registry: named entities come from registered names and keep their metadata") {
  testing::TempDir dir;
  auto registry = *OpenRegistry(dir.path() / "registry.db");
  REQUIRE(registry->CreateEntity(Entity(ResourceType::kWorkflow, "b", "v1", 1)).ok());
  REQUIRE(registry->CreateEntity(Entity(ResourceType::kWorkflow, "b", "v2", 2)).ok());
  REQUIRE(registry->CreateEntity(Entity(ResourceType::kWorkflow, "a", "v1", 3)).ok());
  auto names = registry->ListNamedEntities(ResourceType::kWorkflow, "p", "d", {{}, {Ascending(Column::kName)}, 10, 0});
  REQUIRE(names->size() == 2);
  CHECK((*names)[0].name == "a");
  REQUIRE(registry->UpdateNamedEntity({ResourceType::kWorkflow, "p", "d", "b", 1, "archived one"}).ok());
  auto b = registry->GetNamedEntity(ResourceType::kWorkflow, "p", "d", "b");
  CHECK(b->state == 1);
  CHECK(b->description == "archived one");
  auto active = registry->ListNamedEntities(ResourceType::kWorkflow, "p", "d",
                                            {{{Column::kState, Op::kEq, {int64_t{0}}}}, {}, 10, 0});
  REQUIRE(active->size() == 1);
  CHECK((*active)[0].name == "a");
  CHECK(absl::IsNotFound(registry->GetNamedEntity(ResourceType::kTask, "p", "d", "b").status()));
}

TEST_CASE("registry: projects and attributes") {
  testing::TempDir dir;
  auto registry = *OpenRegistry(dir.path() / "registry.db");
  REQUIRE(registry->CreateProject({"p1", "P1", 0, 1, "x"}).ok());
  CHECK(absl::IsAlreadyExists(registry->CreateProject({"p1", "P1", 0, 1, "x"})));
  REQUIRE(registry->UpdateProject({"p1", "renamed", 1, 0, "y"}).ok());
  CHECK(registry->GetProject("p1")->name == "renamed");
  CHECK(absl::IsNotFound(registry->UpdateProject({"nope", "n", 0, 0, ""})));

  AttributesKey key{0, "p1", "d", "", ""};
  REQUIRE(registry->PutAttributes({key, "one"}).ok());
  REQUIRE(registry->PutAttributes({key, "two"}).ok());
  CHECK(registry->GetAttributes(key)->payload == "two");
  CHECK(registry->ListAttributes(0)->size() == 1);
  REQUIRE(registry->DeleteAttributes(key).ok());
  CHECK(absl::IsNotFound(registry->DeleteAttributes(key)));
}

}  // namespace
}  // namespace flyte::store
