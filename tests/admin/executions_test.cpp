// Launching executions through the executions service's one Launch: what the engine is handed
// (merged inputs, record, compiled workflow) for each way an execution starts.
#include <doctest/doctest.h>

#include "admin/admin.h"
#include "fakes/admin_fixture.h"
#include "fakes/flyteidl_values.h"

namespace flyte::admin {
namespace {

using flyteidl::core::Identifier;
using testing::IntLiteral;

using testing::Id;

flyteidl::core::VariableMap IntVariables(std::initializer_list<std::string> names) {
  flyteidl::core::VariableMap variables;
  for (const auto& name : names) {
    (*variables.mutable_variables())[name].mutable_type()->set_simple(flyteidl::core::INTEGER);
  }
  return variables;
}

// Task t(a, b, c) -> o0; workflow wf(a, b, c) running it; launch plan lp of wf with b defaulted
// to 2 and c fixed to 3.
struct LaunchFixture : testing::AdminFixture {
  LaunchFixture() {
    flyteidl::admin::TaskCreateRequest task;
    *task.mutable_id() = Id(flyteidl::core::TASK, "t");
    auto* task_template = task.mutable_spec()->mutable_template_();
    *task_template->mutable_id() = task.id();
    task_template->set_type("python-task");
    *task_template->mutable_interface()->mutable_inputs() = IntVariables({"a", "b", "c"});
    *task_template->mutable_interface()->mutable_outputs() = IntVariables({"o0"});
    flyteidl::admin::TaskCreateResponse task_response;
    REQUIRE(admin->entities().CreateTask(task, &task_response).ok());

    flyteidl::admin::WorkflowCreateRequest workflow;
    *workflow.mutable_id() = Id(flyteidl::core::WORKFLOW, "wf");
    auto* wf = workflow.mutable_spec()->mutable_template_();
    *wf->mutable_id() = workflow.id();
    *wf->mutable_interface()->mutable_inputs() = IntVariables({"a", "b", "c"});
    auto* node = wf->add_nodes();
    node->set_id("n0");
    *node->mutable_task_node()->mutable_reference_id() = task.id();
    for (const std::string name : {"a", "b", "c"}) {
      auto* binding = node->add_inputs();
      binding->set_var(name);
      binding->mutable_binding()->mutable_promise()->set_node_id("start-node");
      binding->mutable_binding()->mutable_promise()->set_var(name);
    }
    flyteidl::admin::WorkflowCreateResponse workflow_response;
    REQUIRE(admin->entities().CreateWorkflow(workflow, &workflow_response).ok());

    flyteidl::admin::LaunchPlanCreateRequest plan;
    *plan.mutable_id() = Id(flyteidl::core::LAUNCH_PLAN, "lp");
    *plan.mutable_spec()->mutable_workflow_id() = workflow.id();
    auto& b = (*plan.mutable_spec()->mutable_default_inputs()->mutable_parameters())["b"];
    b.mutable_var()->mutable_type()->set_simple(flyteidl::core::INTEGER);
    *b.mutable_default_() = IntLiteral(2);
    (*plan.mutable_spec()->mutable_fixed_inputs()->mutable_literals())["c"] = IntLiteral(3);
    flyteidl::admin::LaunchPlanCreateResponse plan_response;
    REQUIRE(admin->entities().CreateLaunchPlan(plan, &plan_response).ok());
  }

  flyteidl::admin::ExecutionCreateRequest Create(const std::string& name, Identifier launchable, int64_t a) {
    flyteidl::admin::ExecutionCreateRequest request;
    request.set_project("flytesnacks");
    request.set_domain("development");
    request.set_name(name);
    *request.mutable_spec()->mutable_launch_plan() = std::move(launchable);
    (*request.mutable_inputs()->mutable_literals())["a"] = IntLiteral(a);
    return request;
  }

  flyteidl::admin::Execution Record(const std::string& name) {
    flyteidl::admin::WorkflowExecutionGetRequest get;
    get.mutable_id()->set_project("flytesnacks");
    get.mutable_id()->set_domain("development");
    get.mutable_id()->set_name(name);
    flyteidl::admin::Execution execution;
    REQUIRE(admin->executions().GetExecution(get, &execution).ok());
    return execution;
  }
};

TEST_CASE("executions: a launch plan runs with defaults, fixed and given inputs merged once") {
  LaunchFixture f;
  flyteidl::admin::ExecutionCreateResponse response;
  REQUIRE(
      f.admin->executions().CreateExecution(f.Create("e1", Id(flyteidl::core::LAUNCH_PLAN, "lp"), 1), &response).ok());
  CHECK(response.id().name() == "e1");
  REQUIRE(f.engine.submitted.size() == 1);
  const engine::NewExecution& submitted = f.engine.submitted[0];
  CHECK(submitted.row.key.name == "e1");
  CHECK(submitted.row.launch_plan == "lp");
  CHECK(submitted.row.workflow == "wf");
  CHECK(testing::IntOf(submitted.inputs, "a") == 1);
  CHECK(testing::IntOf(submitted.inputs, "b") == 2);
  CHECK(testing::IntOf(submitted.inputs, "c") == 3);
  CHECK(submitted.closure.primary().template_().id().name() == "wf");
  const flyteidl::admin::Execution record = f.Record("e1");
  CHECK(record.closure().phase() == flyteidl::core::WorkflowExecution::QUEUED);
  CHECK(record.spec().max_parallelism() == 25);
  CHECK(record.closure().workflow_id().name() == "wf");

  // The stored inputs are what GetExecutionData serves.
  flyteidl::admin::WorkflowExecutionGetDataRequest data_request;
  *data_request.mutable_id() = response.id();
  flyteidl::admin::WorkflowExecutionGetDataResponse data;
  REQUIRE(f.admin->executions().GetExecutionData(data_request, &data).ok());
  CHECK(testing::IntOf(data.full_inputs(), "c") == 3);

  CHECK(absl::IsAlreadyExists(
      f.admin->executions().CreateExecution(f.Create("e1", Id(flyteidl::core::LAUNCH_PLAN, "lp"), 1), &response)));
}

flyteidl::admin::MatchingAttributes ExecutionSettings(int max_parallelism, const std::string& env,
                                                      const std::string& label) {
  flyteidl::admin::MatchingAttributes attributes;
  auto* config = attributes.mutable_workflow_execution_config();
  config->set_max_parallelism(max_parallelism);
  if (!env.empty()) {
    auto* pair = config->mutable_envs()->add_values();
    pair->set_key("FROM");
    pair->set_value(env);
  }
  if (!label.empty()) (*config->mutable_labels()->mutable_values())["level"] = label;
  return attributes;
}

TEST_CASE("executions: settings come from the request, the launch plan, matchable attributes, then defaults") {
  LaunchFixture f;
  // Project level: a label and an env; project-domain: max_parallelism only; workflow: an env.
  flyteidl::admin::ProjectAttributesUpdateRequest project;
  project.mutable_attributes()->set_project("flytesnacks");
  *project.mutable_attributes()->mutable_matching_attributes() = ExecutionSettings(0, "project", "project");
  flyteidl::admin::ProjectAttributesUpdateResponse project_response;
  REQUIRE(f.admin->attributes().UpdateProjectAttributes(project, &project_response).ok());
  flyteidl::admin::ProjectDomainAttributesUpdateRequest project_domain;
  project_domain.mutable_attributes()->set_project("flytesnacks");
  project_domain.mutable_attributes()->set_domain("development");
  *project_domain.mutable_attributes()->mutable_matching_attributes() = ExecutionSettings(7, "", "");
  flyteidl::admin::ProjectDomainAttributesUpdateResponse project_domain_response;
  REQUIRE(f.admin->attributes().UpdateProjectDomainAttributes(project_domain, &project_domain_response).ok());
  flyteidl::admin::ExecutionCreateResponse response;
  REQUIRE(
      f.admin->executions().CreateExecution(f.Create("pd", Id(flyteidl::core::LAUNCH_PLAN, "lp"), 1), &response).ok());
  flyteidl::admin::Execution record = f.Record("pd");
  CHECK(record.spec().max_parallelism() == 7);                      // project-domain
  CHECK(record.spec().envs().values(0).value() == "project");       // project, merged in as well
  CHECK(record.spec().labels().values().at("level") == "project");  // project
  CHECK_FALSE(record.spec().overwrite_cache());                     // platform default

  // The workflow's attributes are more specific than the project-domain's, which then do not count.
  flyteidl::admin::WorkflowAttributesUpdateRequest workflow;
  workflow.mutable_attributes()->set_project("flytesnacks");
  workflow.mutable_attributes()->set_domain("development");
  workflow.mutable_attributes()->set_workflow("wf");
  *workflow.mutable_attributes()->mutable_matching_attributes() = ExecutionSettings(5, "workflow", "");
  flyteidl::admin::WorkflowAttributesUpdateResponse workflow_response;
  REQUIRE(f.admin->attributes().UpdateWorkflowAttributes(workflow, &workflow_response).ok());
  REQUIRE(
      f.admin->executions().CreateExecution(f.Create("wf", Id(flyteidl::core::LAUNCH_PLAN, "lp"), 1), &response).ok());
  record = f.Record("wf");
  CHECK(record.spec().max_parallelism() == 5);
  CHECK(record.spec().envs().values(0).value() == "workflow");
  CHECK(record.spec().labels().values().at("level") == "project");

  // The request wins over everything.
  flyteidl::admin::ExecutionCreateRequest request = f.Create("req", Id(flyteidl::core::LAUNCH_PLAN, "lp"), 1);
  request.mutable_spec()->set_max_parallelism(2);
  request.mutable_spec()->set_overwrite_cache(true);
  REQUIRE(f.admin->executions().CreateExecution(request, &response).ok());
  record = f.Record("req");
  CHECK(record.spec().max_parallelism() == 2);
  CHECK(record.spec().overwrite_cache());
  CHECK(record.spec().envs().values(0).value() == "workflow");
}

TEST_CASE("executions: bad launches are rejected before anything is stored") {
  LaunchFixture f;
  flyteidl::admin::ExecutionCreateResponse response;
  auto fixed = f.Create("e1", Id(flyteidl::core::LAUNCH_PLAN, "lp"), 1);
  (*fixed.mutable_inputs()->mutable_literals())["c"] = IntLiteral(9);
  Status status = f.admin->executions().CreateExecution(fixed, &response);
  CHECK(status.message() == "input \"c\" is fixed by the launch plan and cannot be set");

  auto task = f.Create("e2", Id(flyteidl::core::TASK, "t"), 1);
  status = f.admin->executions().CreateExecution(task, &response);
  CHECK(absl::IsInvalidArgument(status));
  CHECK(std::string(status.message()).rfind("missing required input", 0) == 0);  // b or c

  auto unknown_project = f.Create("e3", Id(flyteidl::core::LAUNCH_PLAN, "lp"), 1);
  unknown_project.set_project("nope");
  CHECK(f.admin->executions().CreateExecution(unknown_project, &response).message() ==
        "project \"nope\" is not registered");
  CHECK(absl::IsNotFound(
      f.admin->executions().CreateExecution(f.Create("e4", Id(flyteidl::core::LAUNCH_PLAN, "missing"), 1), &response)));
  // The name is a folder of the execution's data: one with '/' would write into another's.
  status = f.admin->executions().CreateExecution(f.Create("e1/n0/data", Id(flyteidl::core::LAUNCH_PLAN, "lp"), 1),
                                                 &response);
  CHECK(absl::IsInvalidArgument(status));
  CHECK(std::string(status.message()).rfind("invalid execution name \"e1/n0/data\"", 0) == 0);
  CHECK(f.engine.submitted.empty());
}

TEST_CASE("executions: a single task runs wrapped in a one-node workflow") {
  LaunchFixture f;
  auto request = f.Create("", Id(flyteidl::core::TASK, "t"), 1);
  (*request.mutable_inputs()->mutable_literals())["b"] = IntLiteral(2);
  (*request.mutable_inputs()->mutable_literals())["c"] = IntLiteral(3);
  flyteidl::admin::ExecutionCreateResponse response;
  REQUIRE(f.admin->executions().CreateExecution(request, &response).ok());
  CHECK(response.id().name().size() == 20);  // generated: "a" + 19 characters
  REQUIRE(f.engine.submitted.size() == 1);
  CHECK(f.engine.submitted[0].row.task == "t");
  CHECK(f.engine.submitted[0].closure.primary().template_().id().name() == ".flytegen.t");
}

TEST_CASE("executions: a launch plan node's child is launched as CHILD_WORKFLOW under its parent node") {
  LaunchFixture f;
  engine::ChildLaunch launch;
  launch.key = {"flytesnacks", "development", "child"};
  launch.launch_plan = Id(flyteidl::core::LAUNCH_PLAN, "lp");
  (*launch.inputs.mutable_literals())["a"] = IntLiteral(5);
  launch.parent.set_node_id("n3");
  launch.parent.mutable_execution_id()->set_name("parent");
  launch.nesting = 1;
  launch.principal = "someone";
  engine::ControlPlane control_plane = f.admin->ControlPlane();
  REQUIRE(control_plane.launch_child(launch).ok());
  const flyteidl::admin::Execution record = f.Record("child");
  CHECK(record.spec().metadata().mode() == flyteidl::admin::ExecutionMetadata::CHILD_WORKFLOW);
  CHECK(record.spec().metadata().parent_node_execution().node_id() == "n3");
  CHECK(record.spec().metadata().nesting() == 1);
  CHECK(record.spec().metadata().principal() == "someone");
  CHECK(testing::IntOf(f.engine.submitted.at(0).inputs, "b") == 2);
  // After a restart the engine launches it again: the child is found, not made twice, and keeps
  // the inputs it was made with.
  (*launch.inputs.mutable_literals())["a"] = IntLiteral(6);
  CHECK(absl::IsAlreadyExists(control_plane.launch_child(launch)));
  CHECK(f.engine.submitted.size() == 1);
  const std::string inputs_url = *engine::ExecutionInputsUrl(*f.blobs, launch.key);
  flyteidl::core::LiteralMap stored;
  REQUIRE(stored.ParseFromString(*f.blobs->Get(f.blobs->KeyOf(inputs_url).value())));
  CHECK(testing::IntOf(stored, "a") == 5);

  auto interface = control_plane.launch_plan(launch.launch_plan);
  REQUIRE(interface.ok());
  CHECK(interface->inputs.parameters().contains("a"));
}

TEST_CASE("executions: relaunch and recover run the same launch plan with the same inputs") {
  LaunchFixture f;
  flyteidl::admin::ExecutionCreateResponse original;
  REQUIRE(
      f.admin->executions().CreateExecution(f.Create("e1", Id(flyteidl::core::LAUNCH_PLAN, "lp"), 7), &original).ok());

  flyteidl::admin::ExecutionRelaunchRequest relaunch;
  *relaunch.mutable_id() = original.id();
  relaunch.set_name("again");
  relaunch.set_overwrite_cache(true);
  flyteidl::admin::ExecutionCreateResponse response;
  REQUIRE(f.admin->executions().RelaunchExecution(relaunch, &response).ok());
  CHECK(response.id().name() == "again");
  const flyteidl::admin::Execution again = f.Record("again");
  CHECK(again.spec().metadata().mode() == flyteidl::admin::ExecutionMetadata::RELAUNCH);
  CHECK(again.spec().metadata().reference_execution().name() == "e1");
  CHECK(again.spec().overwrite_cache());
  REQUIRE(f.engine.submitted.size() == 2);
  CHECK(testing::IntOf(f.engine.submitted[1].inputs, "a") == 7);
  CHECK(testing::IntOf(f.engine.submitted[1].inputs, "c") == 3);

  flyteidl::admin::ExecutionRecoverRequest recover;
  *recover.mutable_id() = original.id();
  recover.set_name("recovered");
  recover.mutable_metadata()->set_principal("ops");
  REQUIRE(f.admin->executions().RecoverExecution(recover, &response).ok());
  const flyteidl::admin::Execution recovered = f.Record("recovered");
  CHECK(recovered.spec().metadata().mode() == flyteidl::admin::ExecutionMetadata::RECOVERED);
  CHECK(recovered.spec().metadata().reference_execution().name() == "e1");
  CHECK(recovered.spec().metadata().principal() == "ops");
  CHECK(testing::IntOf(f.engine.submitted.at(2).inputs, "a") == 7);
}

}  // namespace
}  // namespace flyte::admin
