// Updates that carry only some fields, as flytectl sends them: FlyteAdmin keeps what they leave
// empty, and deleting attributes that were never set is not an error.
#include <doctest/doctest.h>

#include "admin/admin.h"
#include "fakes/admin_fixture.h"
#include "fakes/flyteidl_values.h"

namespace flyte::admin {
namespace {

using Fixture = testing::AdminFixture;

TEST_CASE("admin: archiving and activating a project keeps its name, description and labels") {
  Fixture f;
  flyteidl::admin::ProjectRegisterResponse registered;
  flyteidl::admin::ProjectUpdateResponse updated;
  flyteidl::admin::ProjectRegisterRequest create;
  create.mutable_project()->set_id("acc");
  create.mutable_project()->set_name("Accounting");
  create.mutable_project()->set_description("ledgers");
  (*create.mutable_project()->mutable_labels()->mutable_values())["team"] = "finance";
  REQUIRE(f.admin->projects().RegisterProject(create, &registered).ok());

  // flytectl update project --id acc --archive (then --activate): id, state and empty labels.
  for (auto state : {flyteidl::admin::Project::ARCHIVED, flyteidl::admin::Project::ACTIVE}) {
    flyteidl::admin::Project update;
    update.set_id("acc");
    update.set_state(state);
    update.mutable_labels();
    REQUIRE(f.admin->projects().UpdateProject(update, &updated).ok());
    flyteidl::admin::ProjectGetRequest get;
    get.set_id("acc");
    flyteidl::admin::Project project;
    REQUIRE(f.admin->projects().GetProject(get, &project).ok());
    CHECK(project.state() == state);
    CHECK(project.name() == "Accounting");
    CHECK(project.description() == "ledgers");
    CHECK(project.labels().values().at("team") == "finance");
  }

  flyteidl::admin::Project rename;
  rename.set_id("acc");
  rename.set_description("books");
  REQUIRE(f.admin->projects().UpdateProject(rename, &updated).ok());
  flyteidl::admin::ProjectGetRequest get;
  get.set_id("acc");
  flyteidl::admin::Project project;
  REQUIRE(f.admin->projects().GetProject(get, &project).ok());
  CHECK(project.description() == "books");
}

TEST_CASE("admin: archiving a named entity keeps its description") {
  Fixture f;
  flyteidl::admin::TaskCreateResponse created;
  flyteidl::admin::NamedEntityUpdateResponse updated;
  flyteidl::admin::TaskCreateRequest task;
  *task.mutable_id() = testing::Id(flyteidl::core::TASK, "described");
  *task.mutable_spec()->mutable_template_()->mutable_id() = task.id();
  task.mutable_spec()->mutable_template_()->set_type("container");
  task.mutable_spec()->mutable_template_()->mutable_container()->set_image("img");
  REQUIRE(f.admin->entities().CreateTask(task, &created).ok());

  flyteidl::admin::NamedEntityUpdateRequest update;
  update.set_resource_type(flyteidl::core::TASK);
  update.mutable_id()->set_project(task.id().project());
  update.mutable_id()->set_domain(task.id().domain());
  update.mutable_id()->set_name("described");
  update.mutable_metadata()->set_description("adds numbers");
  REQUIRE(f.admin->entities().UpdateNamedEntity(update, &updated).ok());
  update.mutable_metadata()->clear_description();  // flytectl update task-meta --archive
  update.mutable_metadata()->set_state(flyteidl::admin::NAMED_ENTITY_ARCHIVED);
  REQUIRE(f.admin->entities().UpdateNamedEntity(update, &updated).ok());

  flyteidl::admin::NamedEntityGetRequest get;
  get.set_resource_type(flyteidl::core::TASK);
  *get.mutable_id() = update.id();
  flyteidl::admin::NamedEntity entity;
  REQUIRE(f.admin->entities().GetNamedEntity(get, &entity).ok());
  CHECK(entity.metadata().state() == flyteidl::admin::NAMED_ENTITY_ARCHIVED);
  CHECK(entity.metadata().description() == "adds numbers");
}

TEST_CASE("admin: deleting attributes that were never set is OK at every level") {
  Fixture f;
  flyteidl::admin::ProjectAttributesDeleteResponse project_deleted;
  flyteidl::admin::ProjectDomainAttributesDeleteResponse project_domain_deleted;
  flyteidl::admin::WorkflowAttributesDeleteResponse workflow_deleted;
  flyteidl::admin::ProjectAttributesDeleteRequest project;
  project.set_project("flytesnacks");
  project.set_resource_type(flyteidl::admin::WORKFLOW_EXECUTION_CONFIG);
  CHECK(f.admin->attributes().DeleteProjectAttributes(project, &project_deleted).ok());
  flyteidl::admin::ProjectDomainAttributesDeleteRequest project_domain;
  project_domain.set_project("flytesnacks");
  project_domain.set_domain("development");
  project_domain.set_resource_type(flyteidl::admin::TASK_RESOURCE);
  CHECK(f.admin->attributes().DeleteProjectDomainAttributes(project_domain, &project_domain_deleted).ok());
  flyteidl::admin::WorkflowAttributesDeleteRequest workflow;
  workflow.set_project("flytesnacks");
  workflow.set_domain("development");
  workflow.set_workflow("wf");
  workflow.set_resource_type(flyteidl::admin::EXECUTION_QUEUE);
  CHECK(f.admin->attributes().DeleteWorkflowAttributes(workflow, &workflow_deleted).ok());
}

}  // namespace
}  // namespace flyte::admin
