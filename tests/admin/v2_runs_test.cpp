#include <doctest/doctest.h>

#include "fakes/v2_runs_fixture.h"

namespace flyte::admin {
namespace {

namespace workflow = flyteidl2::workflow;
using testing::V2Runs;

TEST_CASE_FIXTURE(V2Runs, "v2 runs: CreateRun queues a0, committed, with the run's spec and folders") {
  auto run = Create(Request());
  REQUIRE(run.ok());
  const auto& id = run->action().id();
  CHECK(id.name() == "a0");
  CHECK(id.run().name().size() == 20);
  CHECK(id.run().name().front() == 'r');
  CHECK(run->action().status().phase() == flyteidl2::common::ACTION_PHASE_QUEUED);
  CHECK(run->action().status().attempts() == 1);
  CHECK(run->action().metadata().task().id().name() == "env.hello");
  // Handed to the executor once committed.
  REQUIRE(actions.enqueued.size() == 1);
  CHECK(actions.enqueued[0] == store::ActionKey{"flytesnacks", "development", id.run().name(), "a0"});

  // The stored spec is the one a0 will be started from.
  auto row = stores.runs->GetAction({"flytesnacks", "development", id.run().name(), "a0"});
  REQUIRE(row.ok());
  workflow::ActionSpec spec;
  REQUIRE(spec.ParseFromString(row->spec));
  CHECK(spec.input_uri() == Uploaded().uri());
  CHECK(spec.run_output_base() == *blobs->NativeUrl("v2/flytesnacks/development/" + id.run().name()) + "/");
  CHECK(spec.run_spec().has_run_start_time());
  CHECK(spec.task().spec().task_template().type() == "python");

  workflow::GetRunDetailsRequest get;
  *get.mutable_run_id() = id.run();
  workflow::GetRunDetailsResponse details;
  REQUIRE(runs.GetRunDetails(get, &details).ok());
  CHECK(details.details().action().task().task_template().id().name() == "env.hello");
  REQUIRE(details.details().action().attempts_size() == 1);
  CHECK(details.details().action().attempts(0).phase_transitions_size() == 1);
}

TEST_CASE_FIXTURE(V2Runs, "v2 runs: a run of a task type sent to pods keeps its data under the S3 endpoint's URLs") {
  admin::AdminConfig config;
  config.pod_task_types = {"python"};
  auto podded = *admin::Admin::Create({*stores.registry, *stores.executions, *stores.signals, *stores.runs,
                                       *stores.tasks, engine, actions, *blobs, clock, signer, config});
  workflow::CreateRunResponse created;
  REQUIRE(podded->v2_runs().CreateRun(Request("in-pods"), &created).ok());
  const store::ActionKey a0{"flytesnacks", "development", "in-pods", "a0"};
  workflow::ActionSpec spec;
  REQUIRE(spec.ParseFromString(stores.runs->GetAction(a0)->spec));
  CHECK(spec.run_output_base() == "s3://v2/flytesnacks/development/in-pods/");
  CHECK(stores.runs->GetAttempts(a0)->at(0).output_uri == "s3://v2/flytesnacks/development/in-pods/a0/1");

  // A child takes the base its parent passes on when it is the store's (here its s3:// URL), else
  // the run's own folder.
  const auto enqueue = [&](const std::string& name, const std::string& base) {
    flyteidl2::actions::EnqueueRequest request;
    auto* action = request.mutable_action();
    *action->mutable_action_id()->mutable_run() = created.run().action().id().run();
    action->mutable_action_id()->set_name(name);
    action->set_parent_action_name("a0");
    action->set_input_uri(base + name + "/inputs.pb");
    action->set_run_output_base(base);
    action->mutable_task()->mutable_id()->set_name("env.child");
    *action->mutable_task()->mutable_spec() = Request().task_spec();
    flyteidl2::actions::EnqueueResponse reply;
    REQUIRE(podded->v2_actions().Enqueue(request, &reply).ok());
    const store::ActionKey key{"flytesnacks", "development", "in-pods", name};
    workflow::ActionSpec child;
    REQUIRE(child.ParseFromString(stores.runs->GetAction(key)->spec));
    return std::pair{child.run_output_base(), stores.runs->GetAttempts(key)->at(0).output_uri};
  };
  CHECK(enqueue("c1", "s3://v2/flytesnacks/development/in-pods/") ==
        std::pair<std::string, std::string>{"s3://v2/flytesnacks/development/in-pods/",
                                            "s3://v2/flytesnacks/development/in-pods/c1/1"});
  const std::string native = *blobs->NativeUrl("v2/flytesnacks/development/in-pods");
  CHECK(enqueue("c2", "/elsewhere/in-pods/") == std::pair{native + "/", native + "/c2/1"});
}

TEST_CASE_FIXTURE(V2Runs, "v2 runs: refusals — unknown project, taken or bad names, inputs not uploaded") {
  auto unknown = Request();
  unknown.mutable_project_id()->set_name("nope");
  CHECK(absl::IsNotFound(Create(unknown).status()));
  REQUIRE(Create(Request("mine")).ok());
  CHECK(absl::IsAlreadyExists(Create(Request("mine")).status()));
  CHECK(absl::IsInvalidArgument(Create(Request("Not_A_Name")).status()));
  CHECK(absl::IsInvalidArgument(Create(Request("a-name-longer-than-thirty-chars")).status()));
  auto elsewhere = Request("other");
  elsewhere.mutable_offloaded_input_data()->set_uri((dir.path() / "outside").string());
  CHECK_FALSE(Create(elsewhere).ok());

  workflow::GetRunDetailsRequest get;
  get.mutable_run_id()->set_project("flytesnacks");
  get.mutable_run_id()->set_domain("development");
  get.mutable_run_id()->set_name("absent");
  workflow::GetRunDetailsResponse details;
  CHECK(absl::IsNotFound(runs.GetRunDetails(get, &details)));
}

TEST_CASE_FIXTURE(V2Runs, "v2 runs: ListRuns pages with tokens, newest first unless sorted, and filters") {
  for (const char* name : {"one", "two", "three"}) {
    REQUIRE(Create(Request(name)).ok());
    clock.Advance(std::chrono::seconds(1));
  }
  workflow::ListRunsRequest list;
  list.mutable_project_id()->set_name("flytesnacks");
  list.mutable_project_id()->set_domain("development");
  list.mutable_request()->set_limit(2);
  workflow::ListRunsResponse page;
  REQUIRE(runs.ListRuns(list, &page).ok());
  REQUIRE(page.runs_size() == 2);
  CHECK(page.runs(0).action().id().run().name() == "three");
  CHECK(page.runs(1).action().id().run().name() == "two");
  REQUIRE_FALSE(page.token().empty());
  list.mutable_request()->set_token(page.token());
  workflow::ListRunsResponse rest;
  REQUIRE(runs.ListRuns(list, &rest).ok());
  REQUIRE(rest.runs_size() == 1);
  CHECK(rest.runs(0).action().id().run().name() == "one");
  CHECK(rest.token().empty());

  // The SDK's default: created_at ascending; its phase filter is a number.
  workflow::ListRunsRequest sorted;
  sorted.mutable_project_id()->set_name("flytesnacks");
  sorted.mutable_project_id()->set_domain("development");
  sorted.mutable_request()->mutable_sort_by()->set_key("created_at");
  sorted.mutable_request()->mutable_sort_by()->set_direction(flyteidl2::common::Sort::ASCENDING);
  auto* phase = sorted.mutable_request()->add_filters();
  phase->set_field("phase");
  phase->set_function(flyteidl2::common::Filter::VALUE_IN);
  phase->add_values("1");
  phase->add_values("ACTION_PHASE_RUNNING");
  workflow::ListRunsResponse ascending;
  REQUIRE(runs.ListRuns(sorted, &ascending).ok());
  REQUIRE(ascending.runs_size() == 3);
  CHECK(ascending.runs(0).action().id().run().name() == "one");

  auto* labels = sorted.mutable_request()->add_filters();
  labels->set_field("labels.team");
  labels->add_values("ml");
  workflow::ListRunsResponse refused;
  CHECK(absl::IsInvalidArgument(runs.ListRuns(sorted, &refused)));

  // Another project's runs are not listed.
  list.mutable_project_id()->set_name("elsewhere");
  list.mutable_request()->set_token("");
  workflow::ListRunsResponse none;
  REQUIRE(runs.ListRuns(list, &none).ok());
  CHECK(none.runs_size() == 0);
}

}  // namespace
}  // namespace flyte::admin
