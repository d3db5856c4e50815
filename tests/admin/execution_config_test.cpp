// FlyteAdmin's layering of execution settings, and a project's settings shown with the platform's
// defaults.
#include "admin/execution_config.h"

#include <doctest/doctest.h>

#include "admin/admin.h"
#include "fakes/admin_fixture.h"

namespace flyte::admin {
namespace {

using flyteidl::admin::WorkflowExecutionConfig;

TEST_CASE("execution config: the first layer that sets a field wins") {
  WorkflowExecutionConfig into;
  into.set_max_parallelism(3);
  WorkflowExecutionConfig from;
  from.set_max_parallelism(9);
  from.mutable_interruptible()->set_value(false);
  (*from.mutable_annotations()->mutable_values())["a"] = "1";
  from.mutable_security_context();  // no run_as: not a setting
  from.mutable_raw_output_data_config()->set_output_location_prefix("s3://bucket/raw");
  from.set_overwrite_cache(true);
  MergeExecutionConfig(from, &into);
  CHECK(into.max_parallelism() == 3);
  CHECK(into.has_interruptible());
  CHECK_FALSE(into.interruptible().value());
  CHECK(into.annotations().values().at("a") == "1");
  CHECK_FALSE(into.has_security_context());
  CHECK(into.raw_output_data_config().output_location_prefix() == "s3://bucket/raw");
  CHECK(into.overwrite_cache());
  CHECK_FALSE(into.has_envs());

  MergeExecutionConfig(PlatformExecutionConfig(), &into);
  CHECK(into.max_parallelism() == 3);
  WorkflowExecutionConfig empty;
  MergeExecutionConfig(PlatformExecutionConfig(), &empty);
  CHECK(empty.max_parallelism() == 25);
}

TEST_CASE("execution config: a project's settings are shown with the platform's defaults") {
  testing::AdminFixture f;
  flyteidl::admin::ProjectAttributesGetRequest get;
  get.set_project("flytesnacks");
  get.set_resource_type(flyteidl::admin::WORKFLOW_EXECUTION_CONFIG);
  flyteidl::admin::ProjectAttributesGetResponse got;
  REQUIRE(f.admin->attributes().GetProjectAttributes(get, &got).ok());
  CHECK(got.attributes().project() == "flytesnacks");
  CHECK(got.attributes().matching_attributes().workflow_execution_config().max_parallelism() == 25);

  flyteidl::admin::ProjectAttributesUpdateRequest update;
  update.mutable_attributes()->set_project("flytesnacks");
  auto* envs =
      update.mutable_attributes()->mutable_matching_attributes()->mutable_workflow_execution_config()->mutable_envs();
  envs->add_values()->set_key("K");
  flyteidl::admin::ProjectAttributesUpdateResponse updated;
  REQUIRE(f.admin->attributes().UpdateProjectAttributes(update, &updated).ok());
  REQUIRE(f.admin->attributes().GetProjectAttributes(get, &got).ok());
  CHECK(got.attributes().matching_attributes().workflow_execution_config().max_parallelism() == 25);
  CHECK(got.attributes().matching_attributes().workflow_execution_config().envs().values(0).key() == "K");

  get.set_project("nope");
  CHECK(absl::IsInvalidArgument(f.admin->attributes().GetProjectAttributes(get, &got)));
  get.set_project("flytesnacks");
  get.set_resource_type(flyteidl::admin::TASK_RESOURCE);  // other resource types: only what is set
  CHECK(absl::IsNotFound(f.admin->attributes().GetProjectAttributes(get, &got)));
}

}  // namespace
}  // namespace flyte::admin
