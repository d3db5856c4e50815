#include "engine/cache_key.h"

#include <doctest/doctest.h>

namespace flyte::engine {
namespace {

flyteidl::core::TaskTemplate Task(const std::string& version = "1.0") {
  flyteidl::core::TaskTemplate task;
  task.mutable_id()->set_name("m.double");
  task.mutable_id()->set_version("v1");
  task.mutable_metadata()->set_discoverable(true);
  task.mutable_metadata()->set_discovery_version(version);
  (*task.mutable_interface()->mutable_inputs()->mutable_variables())["x"].mutable_type()->set_simple(
      flyteidl::core::INTEGER);
  return task;
}

flyteidl::core::LiteralMap Inputs(int64_t x, const std::string& extra = "") {
  flyteidl::core::LiteralMap map;
  (*map.mutable_literals())["x"].mutable_scalar()->mutable_primitive()->set_integer(x);
  if (!extra.empty()) (*map.mutable_literals())["note"].mutable_scalar()->mutable_primitive()->set_string_value(extra);
  return map;
}

TEST_CASE("the cache key follows the inputs, the cache version and the interface, not the task version") {
  const CacheKey key = CacheKeyOf(Task(), Inputs(3));
  CHECK(key.dataset == "flyte_task-m.double");
  CHECK(key.version.starts_with("1.0-"));
  CHECK(key.tag.starts_with("flyte_cached-"));
  CHECK(CacheKeyOf(Task(), Inputs(3)).Text("p", "d") == key.Text("p", "d"));
  CHECK(CacheKeyOf(Task(), Inputs(4)).tag != key.tag);
  CHECK(CacheKeyOf(Task("2.0"), Inputs(3)).version != key.version);
  auto other_version = Task();
  other_version.mutable_id()->set_version("v2");
  CHECK(CacheKeyOf(other_version, Inputs(3)).Text("p", "d") == key.Text("p", "d"));
  auto other_interface = Task();
  (*other_interface.mutable_interface()->mutable_outputs()->mutable_variables())["o0"].mutable_type()->set_simple(
      flyteidl::core::INTEGER);
  CHECK(CacheKeyOf(other_interface, Inputs(3)).version != key.version);
  CHECK(key.Text("p", "d") != key.Text("p", "other"));
}

TEST_CASE("ignored inputs do not count and a literal's hash stands for its value") {
  auto task = Task();
  task.mutable_metadata()->add_cache_ignore_input_vars("note");
  CHECK(CacheKeyOf(task, Inputs(3, "a")).tag == CacheKeyOf(task, Inputs(3, "b")).tag);
  CHECK(CacheKeyOf(Task(), Inputs(3, "a")).tag != CacheKeyOf(Task(), Inputs(3, "b")).tag);

  auto hashed_a = Inputs(3);
  (*hashed_a.mutable_literals())["x"].set_hash("abc");
  auto hashed_b = Inputs(99);
  (*hashed_b.mutable_literals())["x"].set_hash("abc");
  CHECK(CacheKeyOf(Task(), hashed_a).tag == CacheKeyOf(Task(), hashed_b).tag);
}

TEST_CASE("catalog metadata names the dataset and the artifact tag") {
  const CacheKey key = CacheKeyOf(Task(), Inputs(3));
  const auto metadata = CatalogMetadataOf(key, "p", "d");
  CHECK(metadata.dataset_id().resource_type() == flyteidl::core::DATASET);
  CHECK(metadata.dataset_id().name() == "flyte_task-m.double");
  CHECK(metadata.dataset_id().version() == key.version);
  CHECK(metadata.artifact_tag().name() == key.tag);
}

}  // namespace
}  // namespace flyte::engine
