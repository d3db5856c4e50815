#include <doctest/doctest.h>

#include "fakes/admin_fixture.h"

namespace flyte::admin {
namespace {

namespace task = flyteidl2::task;
namespace workflow = flyteidl2::workflow;

struct V2Tasks : testing::AdminFixture {
  V2TaskService& tasks = admin->v2_tasks();

  static task::TaskIdentifier Id(const std::string& name, const std::string& version,
                                 const std::string& project = "flytesnacks") {
    task::TaskIdentifier id;
    id.set_project(project);
    id.set_domain("development");
    id.set_name(name);
    id.set_version(version);
    return id;
  }

  // As `flyte deploy` sends it: the template names the task as task_id does; org left empty.
  static task::DeployTaskRequest Deploy(const std::string& name, const std::string& version,
                                        const std::string& image = "python:3.12") {
    task::DeployTaskRequest request;
    *request.mutable_task_id() = Id(name, version);
    auto* spec = request.mutable_spec();
    auto* tmpl = spec->mutable_task_template();
    tmpl->mutable_id()->set_project("flytesnacks");
    tmpl->mutable_id()->set_domain("development");
    tmpl->mutable_id()->set_name(name);
    tmpl->mutable_id()->set_version(version);
    tmpl->set_type("python");
    tmpl->mutable_container()->set_image(image);
    spec->set_short_name(name.substr(name.find('.') + 1));
    spec->mutable_environment()->set_name(name.substr(0, name.find('.')));
    spec->mutable_documentation()->set_short_description("says hello");
    return request;
  }

  Status DeployTask(const task::DeployTaskRequest& request) {
    task::DeployTaskResponse reply;
    return tasks.DeployTask(request, &reply);
  }

  StatusOr<task::TaskDetails> Details(const task::TaskIdentifier& id) {
    task::GetTaskDetailsRequest request;
    *request.mutable_task_id() = id;
    task::GetTaskDetailsResponse reply;
    RETURN_IF_ERROR(tasks.GetTaskDetails(request, &reply));
    return reply.details();
  }

  static std::vector<std::string> Ids(const task::ListTasksResponse& reply) {
    std::vector<std::string> ids;
    for (const auto& t : reply.tasks()) ids.push_back(t.task_id().name() + "@" + t.task_id().version());
    return ids;
  }

  flyteidl2::common::OffloadedInputData Uploaded(const task::TaskIdentifier& id) {
    flyteidl2::dataproxy::UploadInputsRequest request;
    request.mutable_project_id()->set_name("flytesnacks");
    request.mutable_project_id()->set_domain("development");
    *request.mutable_task_id() = id;
    request.mutable_inputs()->add_literals()->set_name("x");
    flyteidl2::dataproxy::UploadInputsResponse reply;
    REQUIRE(admin->v2_data_proxy().UploadInputs(request, &reply).ok());
    return reply.offloaded_input_data();
  }
};

TEST_CASE_FIXTURE(V2Tasks, "v2 tasks: DeployTask refuses what it cannot store, with the reason") {
  auto no_version = Deploy("env.hello", "v1");
  no_version.mutable_task_id()->clear_version();
  const Status missing = DeployTask(no_version);
  REQUIRE(absl::IsInvalidArgument(missing));
  CHECK(missing.message() == "missing task_id.version");

  auto no_template = Deploy("env.hello", "v1");
  no_template.mutable_spec()->clear_task_template();
  CHECK(absl::IsInvalidArgument(DeployTask(no_template)));

  auto other_name = Deploy("env.hello", "v1");
  other_name.mutable_spec()->mutable_task_template()->mutable_id()->set_version("v2");
  const Status mismatch = DeployTask(other_name);
  REQUIRE(absl::IsInvalidArgument(mismatch));
  CHECK(std::string(mismatch.message()).find("does not match task_id") != std::string::npos);

  auto unknown_project = Deploy("env.hello", "v1");
  unknown_project.mutable_task_id()->set_project("nope");
  unknown_project.mutable_spec()->mutable_task_template()->mutable_id()->set_project("nope");
  CHECK(absl::IsNotFound(DeployTask(unknown_project)));

  auto triggered = Deploy("env.hello", "v1");
  triggered.add_triggers()->set_name("nightly");
  CHECK(absl::IsUnimplemented(DeployTask(triggered)));

  // Nothing was stored by the refusals.
  CHECK(absl::IsNotFound(Details(Id("env.hello", "v1")).status()));
}

TEST_CASE_FIXTURE(V2Tasks, "v2 tasks: deploying again is OK, another spec at a version ALREADY_EXISTS; details") {
  auto with_org = Deploy("env.hello", "v1");
  with_org.mutable_task_id()->set_org("local");  // kept, never checked
  REQUIRE(DeployTask(with_org).ok());
  clock.Advance(std::chrono::seconds(5));
  CHECK(DeployTask(with_org).ok());
  CHECK(absl::IsAlreadyExists(DeployTask(Deploy("env.hello", "v1", "python:3.13"))));

  auto details = Details(Id("env.hello", "v1"));  // asked without the org
  REQUIRE(details.ok());
  CHECK(details->task_id().org() == "local");
  CHECK(details->task_id().name() == "env.hello");
  CHECK(details->task_id().version() == "v1");
  CHECK(details->spec().task_template().container().image() == "python:3.12");
  CHECK(details->metadata().short_name() == "hello");
  CHECK(details->metadata().environment_name() == "env");
  CHECK(details->metadata().short_description() == "says hello");
  // Deployed when first stored, not when repeated.
  CHECK(details->metadata().deployed_at().seconds() == clock.NowMillis() / 1000 - 5);

  const auto absent = Details(Id("env.hello", "v2"));
  REQUIRE(absl::IsNotFound(absent.status()));
  CHECK(std::string(absent.status().message()).find("env.hello version v2 is not deployed") != std::string::npos);
  CHECK(absl::IsInvalidArgument(Details(Id("", "v1")).status()));
}

TEST_CASE_FIXTURE(V2Tasks, "v2 tasks: ListTasks lists each task's latest version; ListVersions its versions") {
  REQUIRE(DeployTask(Deploy("env.hello", "v1")).ok());
  clock.Advance(std::chrono::seconds(1));
  REQUIRE(DeployTask(Deploy("env.bye", "v1")).ok());
  clock.Advance(std::chrono::seconds(1));
  REQUIRE(DeployTask(Deploy("env.hello", "v2")).ok());
  clock.Advance(std::chrono::seconds(1));
  REQUIRE(DeployTask(Deploy("other.task", "v1")).ok());

  task::ListTasksRequest list;
  list.mutable_project_id()->set_name("flytesnacks");
  list.mutable_project_id()->set_domain("development");
  list.mutable_request()->set_limit(2);
  task::ListTasksResponse page;
  REQUIRE(tasks.ListTasks(list, &page).ok());
  CHECK(Ids(page) == std::vector<std::string>{"other.task@v1", "env.hello@v2"});
  CHECK(page.tasks(1).metadata().environment_name() == "env");
  REQUIRE_FALSE(page.token().empty());
  list.mutable_request()->set_token(page.token());
  task::ListTasksResponse rest;
  REQUIRE(tasks.ListTasks(list, &rest).ok());
  CHECK(Ids(rest) == std::vector<std::string>{"env.bye@v1"});
  CHECK(rest.token().empty());

  // The SDK's "latest" lookup: by name, newest first, one.
  task::ListTasksRequest latest;
  latest.set_org("");
  *latest.mutable_project_id() = list.project_id();
  auto* filter = latest.mutable_request()->add_filters();
  filter->set_field("name");
  filter->set_function(flyteidl2::common::Filter::EQUAL);
  filter->add_values("env.hello");
  latest.mutable_request()->mutable_sort_by()->set_key("created_at");
  latest.mutable_request()->mutable_sort_by()->set_direction(flyteidl2::common::Sort::DESCENDING);
  latest.mutable_request()->set_limit(1);
  task::ListTasksResponse found;
  REQUIRE(tasks.ListTasks(latest, &found).ok());
  CHECK(Ids(found) == std::vector<std::string>{"env.hello@v2"});

  // An environment's tasks (`flyte run deployed-task env`), oldest first.
  task::ListTasksRequest by_env;
  *by_env.mutable_project_id() = list.project_id();
  auto* contains = by_env.mutable_request()->add_filters();
  contains->set_field("name");
  contains->set_function(flyteidl2::common::Filter::CONTAINS);
  contains->add_values("env.");
  by_env.mutable_request()->mutable_sort_by()->set_key("created_at");
  by_env.mutable_request()->mutable_sort_by()->set_direction(flyteidl2::common::Sort::ASCENDING);
  task::ListTasksResponse in_env;
  REQUIRE(tasks.ListTasks(by_env, &in_env).ok());
  CHECK(Ids(in_env) == std::vector<std::string>{"env.bye@v1", "env.hello@v2"});

  // An org alone (the one-of's other member) scopes by no project: every task is listed.
  task::ListTasksRequest everywhere;
  everywhere.set_org("");
  task::ListTasksResponse all;
  REQUIRE(tasks.ListTasks(everywhere, &all).ok());
  CHECK(Ids(all) == std::vector<std::string>{"other.task@v1", "env.hello@v2", "env.bye@v1"});

  // Another project has none; an unknown field is refused; nothing is anyone's.
  task::ListTasksRequest elsewhere = list;
  elsewhere.mutable_project_id()->set_name("other");
  elsewhere.mutable_request()->clear_token();
  task::ListTasksResponse none;
  REQUIRE(tasks.ListTasks(elsewhere, &none).ok());
  CHECK(none.tasks().empty());
  task::ListTasksRequest bad = by_env;
  bad.mutable_request()->mutable_filters(0)->set_field("phase");
  task::ListTasksResponse refused;
  CHECK(absl::IsInvalidArgument(tasks.ListTasks(bad, &refused)));
  task::ListTasksRequest mine = list;
  mine.mutable_request()->clear_token();
  mine.add_known_filters()->set_deployed_by("someone");
  task::ListTasksResponse nobody;
  REQUIRE(tasks.ListTasks(mine, &nobody).ok());
  CHECK(nobody.tasks().empty());

  task::ListVersionsRequest versions;
  versions.mutable_task_name()->set_project("flytesnacks");
  versions.mutable_task_name()->set_domain("development");
  versions.mutable_task_name()->set_name("env.hello");
  versions.mutable_request()->set_limit(1);
  task::ListVersionsResponse first;
  REQUIRE(tasks.ListVersions(versions, &first).ok());
  REQUIRE(first.versions_size() == 1);
  CHECK(first.versions(0).version() == "v2");
  CHECK(first.versions(0).deployed_at().seconds() > 0);
  versions.mutable_request()->set_token(first.token());
  task::ListVersionsResponse second;
  REQUIRE(tasks.ListVersions(versions, &second).ok());
  REQUIRE(second.versions_size() == 1);
  CHECK(second.versions(0).version() == "v1");
  versions.mutable_task_name()->clear_name();
  task::ListVersionsResponse unnamed;
  CHECK(absl::IsInvalidArgument(tasks.ListVersions(versions, &unnamed)));
}

TEST_CASE_FIXTURE(V2Tasks, "v2 tasks: a run by reference starts the deployed spec, as an inline one would") {
  REQUIRE(DeployTask(Deploy("env.hello", "v1")).ok());
  workflow::CreateRunRequest request;
  request.mutable_project_id()->set_name("flytesnacks");
  request.mutable_project_id()->set_domain("development");
  *request.mutable_task_id() = Id("env.hello", "v1");
  *request.mutable_offloaded_input_data() = Uploaded(Id("env.hello", "v1"));
  workflow::CreateRunResponse created;
  REQUIRE(admin->v2_runs().CreateRun(request, &created).ok());
  const auto& run = created.run().action().id().run();
  CHECK(created.run().action().metadata().task().id().name() == "env.hello");
  CHECK(created.run().action().metadata().task().short_name() == "hello");
  CHECK(created.run().action().metadata().environment_name() == "env");
  REQUIRE(actions.enqueued.size() == 1);

  auto row = stores.runs->GetAction({"flytesnacks", "development", run.name(), "a0"});
  REQUIRE(row.ok());
  CHECK(row->task_name == "env.hello");
  CHECK(row->task_version == "v1");
  workflow::ActionSpec spec;
  REQUIRE(spec.ParseFromString(row->spec));
  CHECK(spec.task().id().version() == "v1");
  auto deployed = Details(Id("env.hello", "v1"));
  REQUIRE(deployed.ok());
  CHECK(spec.task().spec().SerializeAsString() == deployed->spec().SerializeAsString());

  // A version never deployed: NOT_FOUND naming it, from the upload and from CreateRun; nothing queued.
  flyteidl2::dataproxy::UploadInputsRequest upload;
  upload.mutable_project_id()->set_name("flytesnacks");
  upload.mutable_project_id()->set_domain("development");
  *upload.mutable_task_id() = Id("env.hello", "v9");
  flyteidl2::dataproxy::UploadInputsResponse uploaded;
  const Status upload_refused = admin->v2_data_proxy().UploadInputs(upload, &uploaded);
  REQUIRE(absl::IsNotFound(upload_refused));
  CHECK(std::string(upload_refused.message()).find("env.hello version v9") != std::string::npos);
  auto absent = request;
  *absent.mutable_task_id() = Id("env.hello", "v9");
  const Status run_refused = admin->v2_runs().CreateRun(absent, &created);
  REQUIRE(absl::IsNotFound(run_refused));
  CHECK(std::string(run_refused.message()).find("env.hello version v9") != std::string::npos);
  // The project must exist, as for any run.
  auto unknown_project = request;
  unknown_project.mutable_project_id()->set_name("nope");
  CHECK(absl::IsNotFound(admin->v2_runs().CreateRun(unknown_project, &created)));
  CHECK(actions.enqueued.size() == 1);
}

}  // namespace
}  // namespace flyte::admin
