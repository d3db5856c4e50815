// The admin handlers over a real SQLite registry and object store in a temp folder.
#include "admin/admin.h"

#include <doctest/doctest.h>

#include "fakes/admin_fixture.h"
#include "fakes/flyteidl_values.h"

namespace flyte::admin {
namespace {

using flyteidl::core::Identifier;

using Fixture = testing::AdminFixture;

using testing::Id;

flyteidl::admin::TaskCreateRequest TaskRequest(const std::string& name, const std::string& image = "img") {
  flyteidl::admin::TaskCreateRequest request;
  *request.mutable_id() = Id(flyteidl::core::TASK, name);
  auto* task = request.mutable_spec()->mutable_template_();
  *task->mutable_id() = request.id();
  task->set_type("python-task");
  task->mutable_container()->set_image(image);
  flyteidl::core::Variable out;
  out.mutable_type()->set_simple(flyteidl::core::INTEGER);
  (*task->mutable_interface()->mutable_outputs()->mutable_variables())["o0"] = out;
  return request;
}

flyteidl::admin::WorkflowCreateRequest WorkflowRequest(const std::string& name, const std::string& task_name) {
  flyteidl::admin::WorkflowCreateRequest request;
  *request.mutable_id() = Id(flyteidl::core::WORKFLOW, name);
  auto* wf = request.mutable_spec()->mutable_template_();
  *wf->mutable_id() = request.id();
  auto* node = wf->add_nodes();
  node->set_id("n0");
  *node->mutable_task_node()->mutable_reference_id() = Id(flyteidl::core::TASK, task_name);
  flyteidl::core::Variable out;
  out.mutable_type()->set_simple(flyteidl::core::INTEGER);
  (*wf->mutable_interface()->mutable_outputs()->mutable_variables())["o0"] = out;
  auto* binding = wf->add_outputs();
  binding->set_var("o0");
  binding->mutable_binding()->mutable_promise()->set_node_id("n0");
  binding->mutable_binding()->mutable_promise()->set_var("o0");
  return request;
}

TEST_CASE("admin: the seeded project exists with the configured domains") {
  Fixture f;
  flyteidl::admin::Projects projects;
  REQUIRE(f.admin->projects().ListProjects({}, &projects).ok());
  REQUIRE(projects.projects_size() == 1);
  CHECK(projects.projects(0).id() == "flytesnacks");
  CHECK(projects.projects(0).domains_size() == 3);
}

TEST_CASE("admin: registering a task is idempotent and content-checked") {
  Fixture f;
  flyteidl::admin::TaskCreateResponse response;
  REQUIRE(f.admin->entities().CreateTask(TaskRequest("t"), &response).ok());
  CHECK(absl::IsAlreadyExists(f.admin->entities().CreateTask(TaskRequest("t"), &response)));
  Status different = f.admin->entities().CreateTask(TaskRequest("t", "other-image"), &response);
  CHECK(absl::IsInvalidArgument(different));
  CHECK(std::string(different.message()).find("different structure") != std::string::npos);

  flyteidl::admin::ObjectGetRequest get;
  *get.mutable_id() = Id(flyteidl::core::TASK, "t");
  flyteidl::admin::Task task;
  REQUIRE(f.admin->entities().GetTask(get, &task).ok());
  CHECK(task.closure().compiled_task().template_().container().image() == "img");
  CHECK(task.closure().created_at().seconds() == 1'700'000'000);
}

TEST_CASE("admin: bad registrations are INVALID_ARGUMENT naming the problem") {
  Fixture f;
  flyteidl::admin::TaskCreateResponse task_response;
  auto no_project = TaskRequest("t");
  no_project.mutable_id()->set_project("nope");
  no_project.mutable_spec()->mutable_template_()->mutable_id()->set_project("nope");
  CHECK(absl::IsInvalidArgument(f.admin->entities().CreateTask(no_project, &task_response)));
  auto no_version = TaskRequest("t");
  no_version.mutable_id()->clear_version();
  CHECK(absl::IsInvalidArgument(f.admin->entities().CreateTask(no_version, &task_response)));

  flyteidl::admin::WorkflowCreateResponse wf_response;
  Status unknown_task = f.admin->entities().CreateWorkflow(WorkflowRequest("wf", "missing"), &wf_response);
  CHECK(absl::IsInvalidArgument(unknown_task));
  CHECK(std::string(unknown_task.message()).find("n0") != std::string::npos);
}

TEST_CASE("admin: workflows compile and launch plans get their expected inputs") {
  Fixture f;
  flyteidl::admin::TaskCreateResponse task_response;
  REQUIRE(f.admin->entities().CreateTask(TaskRequest("t"), &task_response).ok());
  flyteidl::admin::WorkflowCreateResponse wf_response;
  REQUIRE(f.admin->entities().CreateWorkflow(WorkflowRequest("wf", "t"), &wf_response).ok());
  flyteidl::admin::ObjectGetRequest get;
  *get.mutable_id() = Id(flyteidl::core::WORKFLOW, "wf");
  flyteidl::admin::Workflow workflow;
  REQUIRE(f.admin->entities().GetWorkflow(get, &workflow).ok());
  const auto& compiled = workflow.closure().compiled_workflow();
  CHECK(compiled.primary().template_().nodes_size() == 3);
  CHECK(compiled.tasks_size() == 1);

  flyteidl::admin::LaunchPlanCreateRequest lp;
  *lp.mutable_id() = Id(flyteidl::core::LAUNCH_PLAN, "wf");
  *lp.mutable_spec()->mutable_workflow_id() = Id(flyteidl::core::WORKFLOW, "wf");
  flyteidl::admin::LaunchPlanCreateResponse lp_response;
  REQUIRE(f.admin->entities().CreateLaunchPlan(lp, &lp_response).ok());
  *get.mutable_id() = lp.id();
  flyteidl::admin::LaunchPlan plan;
  REQUIRE(f.admin->entities().GetLaunchPlan(get, &plan).ok());
  CHECK(plan.closure().state() == flyteidl::admin::INACTIVE);
  CHECK(plan.closure().expected_outputs().variables().contains("o0"));

  flyteidl::admin::LaunchPlanUpdateRequest activate;
  *activate.mutable_id() = lp.id();
  activate.set_state(flyteidl::admin::ACTIVE);
  flyteidl::admin::LaunchPlanUpdateResponse update_response;
  REQUIRE(f.admin->entities().UpdateLaunchPlan(activate, &update_response).ok());
  flyteidl::admin::ActiveLaunchPlanRequest active;
  active.mutable_id()->set_project("flytesnacks");
  active.mutable_id()->set_domain("development");
  active.mutable_id()->set_name("wf");
  REQUIRE(f.admin->entities().GetActiveLaunchPlan(active, &plan).ok());
  CHECK(plan.closure().state() == flyteidl::admin::ACTIVE);
}

TEST_CASE("admin: lists page with tokens and reject bad filters") {
  Fixture f;
  flyteidl::admin::TaskCreateResponse response;
  for (int i = 0; i < 5; ++i) {
    auto request = TaskRequest("t");
    request.mutable_id()->set_version("v" + std::to_string(i));
    request.mutable_spec()->mutable_template_()->mutable_id()->set_version("v" + std::to_string(i));
    f.clock.Advance(std::chrono::seconds(1));
    REQUIRE(f.admin->entities().CreateTask(request, &response).ok());
  }
  flyteidl::admin::ResourceListRequest list;
  list.mutable_id()->set_project("flytesnacks");
  list.mutable_id()->set_domain("development");
  list.set_limit(2);
  std::vector<std::string> versions;
  do {
    flyteidl::admin::TaskList page;
    REQUIRE(f.admin->entities().ListTasks(list, &page).ok());
    for (const auto& task : page.tasks()) versions.push_back(task.id().version());
    list.set_token(page.token());
  } while (!list.token().empty());
  CHECK(versions == std::vector<std::string>{"v4", "v3", "v2", "v1", "v0"});

  list.clear_token();
  list.set_filters("eq(version,v2)");
  flyteidl::admin::TaskList filtered;
  REQUIRE(f.admin->entities().ListTasks(list, &filtered).ok());
  REQUIRE(filtered.tasks_size() == 1);
  CHECK(filtered.tasks(0).id().version() == "v2");
  list.set_filters("eq(version");
  CHECK(absl::IsInvalidArgument(f.admin->entities().ListTasks(list, &filtered)));
  list.set_filters("eq(no_such_field,x)");
  CHECK(absl::IsInvalidArgument(f.admin->entities().ListTasks(list, &filtered)));
}

TEST_CASE("admin: upload locations are deterministic for the same content") {
  Fixture f;
  flyteidl::service::CreateUploadLocationRequest request;
  request.set_project("flytesnacks");
  request.set_domain("development");
  request.set_filename("fast123.tar.gz");
  request.set_content_md5(std::string(16, '\x01'));
  flyteidl::service::CreateUploadLocationResponse first, second;
  REQUIRE(f.admin->data_proxy().CreateUploadLocation(request, &first).ok());
  REQUIRE(f.admin->data_proxy().CreateUploadLocation(request, &second).ok());
  CHECK(first.native_url() == second.native_url());
  CHECK(first.native_url().rfind("/", 0) == 0);  // a plain local path, as flytekit reads local data
  CHECK(first.headers().at("Content-MD5") == "AQEBAQEBAQEBAQEBAQEBAQ==");
  request.clear_content_md5();
  CHECK(absl::IsInvalidArgument(f.admin->data_proxy().CreateUploadLocation(request, &first)));
}

TEST_CASE("admin: upload locations only under a registered project and a configured domain") {
  Fixture f;
  flyteidl::service::CreateUploadLocationRequest request;
  request.set_project("nope");
  request.set_domain("development");
  request.set_content_md5(std::string(16, '\x01'));
  flyteidl::service::CreateUploadLocationResponse response;
  Status unknown_project = f.admin->data_proxy().CreateUploadLocation(request, &response);
  CHECK(absl::IsInvalidArgument(unknown_project));
  CHECK(std::string(unknown_project.message()).find("\"nope\"") != std::string::npos);
  request.set_project("flytesnacks");
  request.set_domain("qa");
  Status unknown_domain = f.admin->data_proxy().CreateUploadLocation(request, &response);
  CHECK(absl::IsInvalidArgument(unknown_domain));
  CHECK(std::string(unknown_domain.message()).find("\"qa\"") != std::string::npos);
  CHECK(response.signed_url().empty());
}

}  // namespace
}  // namespace flyte::admin
