// Flyte 2 conditions through the admin services: a parent enqueues one, a client finds it
// (ListActions filtered on its type, as `flyte signal` does) and signals it; the parent's watch,
// the details and the action's data then carry the value.
#include <doctest/doctest.h>

#include <flyteidl2/common/phase.pb.h>

#include "admin/v2_conditions.h"
#include "admin/v2_watches.h"
#include "fakes/v2_runs_fixture.h"

namespace flyte::admin {
namespace {

namespace workflow = flyteidl2::workflow;
namespace core2 = flyteidl2::core;

struct Conditions : testing::V2Runs {
  std::string run;

  Conditions() {
    auto created = Create(Request());
    REQUIRE(created.ok());
    run = created->action().id().run().name();
  }

  flyteidl2::common::ActionIdentifier Id(const std::string& name) {
    flyteidl2::common::ActionIdentifier id;
    id.mutable_run()->set_org("local");
    id.mutable_run()->set_project("flytesnacks");
    id.mutable_run()->set_domain("development");
    id.mutable_run()->set_name(run);
    id.set_name(name);
    return id;
  }

  // As the SDK's Action.from_condition enqueues it.
  Status Enqueue(const std::string& name, core2::SimpleType type) {
    flyteidl2::actions::EnqueueRequest request;
    auto* action = request.mutable_action();
    *action->mutable_action_id() = Id(name);
    action->set_parent_action_name("a0");
    // Conditions have no inputs: the SDK names a file it never writes.
    const std::string base = *blobs->NativeUrl("v2/flytesnacks/development/" + run);
    action->set_input_uri(base + "/" + name + "/inputs.pb");
    action->set_run_output_base(base + "/");
    auto* condition = action->mutable_condition();
    condition->set_name("approve-" + name);
    condition->mutable_type()->set_simple(type);
    condition->set_prompt("Approve?");
    condition->mutable_timeout()->set_seconds(60);
    flyteidl2::actions::EnqueueResponse reply;
    return admin->v2_actions().Enqueue(request, &reply);
  }

  static workflow::EventPayload Bool(bool value) {
    workflow::EventPayload payload;
    payload.set_bool_value(value);
    return payload;
  }

  Status Signal(const std::string& name, const workflow::EventPayload& payload, const std::string& parent = "a0") {
    workflow::SignalEventRequest request;
    *request.mutable_action_id() = Id(name);
    request.set_parent_action_name(parent);
    *request.mutable_payload() = payload;
    workflow::SignalEventResponse reply;
    return runs.SignalEvent(request, &reply);
  }

  // ListRuns' paused_actions_only: the runs one of whose conditions waits.
  std::vector<std::string> PausedRuns() {
    workflow::ListRunsRequest list;
    list.mutable_project_id()->set_name("flytesnacks");
    list.mutable_project_id()->set_domain("development");
    list.set_paused_actions_only(true);
    workflow::ListRunsResponse listed;
    REQUIRE(runs.ListRuns(list, &listed).ok());
    std::vector<std::string> names;
    for (const auto& paused : listed.runs()) names.push_back(paused.action().id().run().name());
    return names;
  }

  store::ActionKey Key(const std::string& name) const { return {"flytesnacks", "development", run, name}; }
};

TEST_CASE_FIXTURE(Conditions, "v2 conditions: Enqueue stores a condition queued for the executor, typed for clients") {
  REQUIRE(Enqueue("c1", core2::BOOLEAN).ok());
  CHECK(absl::IsAlreadyExists(Enqueue("c1", core2::BOOLEAN)));
  REQUIRE(actions.enqueued.size() == 2);  // a0, then the condition
  CHECK(actions.enqueued[1] == Key("c1"));
  const store::ActionRow row = *stores.runs->GetAction(Key("c1"));
  CHECK(row.phase == flyteidl2::common::ACTION_PHASE_QUEUED);
  CHECK(row.action_type == workflow::ACTION_TYPE_CONDITION);

  // What `flyte signal` reads: the run's condition actions (not a0, a task), then their details.
  workflow::ListActionsRequest list;
  *list.mutable_run_id() = Id("a0").run();
  auto* filter = list.mutable_request()->add_filters();
  filter->set_function(flyteidl2::common::Filter::EQUAL);
  filter->set_field("action_type");
  filter->add_values(std::to_string(workflow::ACTION_TYPE_CONDITION));
  workflow::ListActionsResponse listed;
  REQUIRE(runs.ListActions(list, &listed).ok());
  REQUIRE(listed.actions_size() == 1);
  const workflow::Action& action = listed.actions(0);
  CHECK(action.id().name() == "c1");
  CHECK(action.metadata().parent() == "a0");
  CHECK(action.metadata().action_type() == workflow::ACTION_TYPE_CONDITION);
  CHECK(action.metadata().condition().name() == "approve-c1");
  CHECK(action.metadata().condition().type().simple() == core2::BOOLEAN);

  workflow::GetActionDetailsRequest get;
  *get.mutable_action_id() = Id("c1");
  workflow::GetActionDetailsResponse details;
  REQUIRE(runs.GetActionDetails(get, &details).ok());
  CHECK(details.details().condition().prompt() == "Approve?");
  CHECK(details.details().condition().timeout().seconds() == 60);
}

TEST_CASE_FIXTURE(Conditions, "v2 conditions: a signal commits SUCCEEDED with the value the parent's watch carries") {
  REQUIRE(Enqueue("c1", core2::BOOLEAN).ok());
  auto watch = WatchChildren(*stores.runs, Key("a0"), [] {});
  std::vector<flyteidl2::actions::WatchForUpdatesResponse> replies;
  bool ended = false;
  REQUIRE(watch->Next(&replies, &ended).ok());  // c1 queued, the sentinel
  replies.clear();

  REQUIRE(Create(Request()).ok());  // another run, which waits on nothing
  CHECK(PausedRuns() == std::vector<std::string>{run});
  REQUIRE(Signal("c1", Bool(true)).ok());
  CHECK(PausedRuns().empty());
  CHECK(actions.signaled == std::vector<store::ActionKey>{Key("c1")});
  REQUIRE(watch->Next(&replies, &ended).ok());
  REQUIRE(replies.size() == 1);
  const workflow::ActionUpdate& update = replies[0].action_update();
  CHECK(update.phase() == flyteidl2::common::ACTION_PHASE_SUCCEEDED);
  REQUIRE(update.has_value());
  CHECK(update.value().scalar().primitive().boolean());
  CHECK(update.output_uri().empty());

  workflow::GetActionDetailsRequest get;
  *get.mutable_action_id() = Id("c1");
  workflow::GetActionDetailsResponse details;
  REQUIRE(runs.GetActionDetails(get, &details).ok());
  CHECK(details.details().status().phase() == flyteidl2::common::ACTION_PHASE_SUCCEEDED);
  CHECK(details.details().signal_info().output().scalar().primitive().boolean());

  flyteidl2::dataproxy::GetActionDataRequest data;
  *data.mutable_action_id() = Id("c1");
  flyteidl2::dataproxy::GetActionDataResponse answered;
  REQUIRE(admin->v2_data_proxy().GetActionData(data, &answered).ok());
  REQUIRE(answered.outputs().literals_size() == 1);
  CHECK(answered.outputs().literals(0).name() == "o0");
  CHECK(answered.outputs().literals(0).value().scalar().primitive().boolean());

  // Ended: a second signal is refused.
  CHECK(absl::IsFailedPrecondition(Signal("c1", Bool(false))));
}

TEST_CASE_FIXTURE(Conditions,
                  "v2 conditions: a signal's refusals — unknown, not a condition, other parent, wrong type") {
  REQUIRE(Enqueue("c1", core2::INTEGER).ok());
  CHECK(absl::IsNotFound(Signal("nope", Bool(true))));
  CHECK(absl::IsInvalidArgument(Signal("a0", Bool(true), "")));
  CHECK(absl::IsInvalidArgument(Signal("c1", Bool(true), "a9")));
  const Status wrong = Signal("c1", Bool(true));
  CHECK(absl::IsInvalidArgument(wrong));
  CHECK(wrong.message() == "condition approve-c1 takes int, the payload is bool");
  CHECK(absl::IsInvalidArgument(Signal("c1", workflow::EventPayload())));
  CHECK(stores.runs->GetAction(Key("c1"))->phase == flyteidl2::common::ACTION_PHASE_QUEUED);
  CHECK(actions.signaled.empty());
  workflow::EventPayload seven;
  seven.set_int_value(7);
  REQUIRE(Signal("c1", seven).ok());
}

TEST_CASE("v2 conditions: a payload becomes the primitive of the condition's type, an int fitting a float") {
  workflow::ConditionAction condition;
  condition.set_name("c");
  workflow::EventPayload payload;
  payload.set_int_value(3);
  condition.mutable_type()->set_simple(core2::FLOAT);
  auto value = ConditionValue(condition, payload);
  REQUIRE(value.ok());
  CHECK(value->scalar().primitive().float_value() == 3.0);
  condition.mutable_type()->set_simple(core2::STRING);
  CHECK(absl::IsInvalidArgument(ConditionValue(condition, payload).status()));
  payload.set_string_value("yes");
  value = ConditionValue(condition, payload);
  REQUIRE(value.ok());
  CHECK(value->scalar().primitive().string_value() == "yes");
  condition.clear_type();
  CHECK(absl::IsInvalidArgument(ConditionValue(condition, payload).status()));
}

TEST_CASE_FIXTURE(testing::AdminFixture, "v2 projects: UpdateProject is Flyte 1's update, seen by both protocols") {
  flyteidl2::project::UpdateProjectRequest update;
  auto* project = update.mutable_project();
  project->set_id("flytesnacks");
  project->set_name("Snacks");
  project->set_description("renamed through Flyte 2");
  project->set_state(flyteidl2::project::PROJECT_STATE_ARCHIVED);
  flyteidl2::project::UpdateProjectResponse updated;
  REQUIRE(admin->v2_projects().UpdateProject(update, &updated).ok());

  flyteidl2::project::GetProjectRequest get;
  get.set_id("flytesnacks");
  flyteidl2::project::GetProjectResponse got;
  REQUIRE(admin->v2_projects().GetProject(get, &got).ok());
  CHECK(got.project().name() == "Snacks");
  CHECK(got.project().description() == "renamed through Flyte 2");
  CHECK(got.project().state() == flyteidl2::project::PROJECT_STATE_ARCHIVED);
  flyteidl::admin::ProjectGetRequest v1;
  v1.set_id("flytesnacks");
  flyteidl::admin::Project seen;
  REQUIRE(admin->projects().GetProject(v1, &seen).ok());
  CHECK(seen.state() == flyteidl::admin::Project::ARCHIVED);

  project->set_id("absent");
  CHECK(absl::IsNotFound(admin->v2_projects().UpdateProject(update, &updated)));
}

}  // namespace
}  // namespace flyte::admin
