// The scheduler over a real admin layer (SQLite registry, fake engine) and a fake clock: which
// slots it launches, with what, and never twice.
#include "scheduler/scheduler.h"

#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <string>

#include "fakes/admin_fixture.h"
#include "fakes/flyteidl_values.h"

namespace flyte::scheduler {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using testing::Id;

constexpr int64_t kStart = 1'700'000'000;  // the fake clock's start, in seconds (22:13:20 UTC)

// Task t(kickoff: datetime); workflow wf(kickoff) running it; launch plans are added per test.
struct SchedulerFixture : testing::AdminFixture {
  SchedulerFixture() {
    flyteidl::admin::TaskCreateRequest task;
    *task.mutable_id() = Id(flyteidl::core::TASK, "t");
    auto* task_template = task.mutable_spec()->mutable_template_();
    *task_template->mutable_id() = task.id();
    task_template->set_type("container");
    task_template->mutable_container()->set_image("img");
    (*task_template->mutable_interface()->mutable_inputs()->mutable_variables())["kickoff"].mutable_type()->set_simple(
        flyteidl::core::DATETIME);
    flyteidl::admin::TaskCreateResponse task_response;
    REQUIRE(admin->entities().CreateTask(task, &task_response).ok());

    flyteidl::admin::WorkflowCreateRequest workflow;
    *workflow.mutable_id() = Id(flyteidl::core::WORKFLOW, "wf");
    auto* wf = workflow.mutable_spec()->mutable_template_();
    *wf->mutable_id() = workflow.id();
    *wf->mutable_interface()->mutable_inputs() = task_template->interface().inputs();
    auto* node = wf->add_nodes();
    node->set_id("n0");
    *node->mutable_task_node()->mutable_reference_id() = task.id();
    auto* binding = node->add_inputs();
    binding->set_var("kickoff");
    binding->mutable_binding()->mutable_promise()->set_node_id("start-node");
    binding->mutable_binding()->mutable_promise()->set_var("kickoff");
    flyteidl::admin::WorkflowCreateResponse workflow_response;
    REQUIRE(admin->entities().CreateWorkflow(workflow, &workflow_response).ok());
  }

  Status Register(const std::string& version, const flyteidl::admin::Schedule& schedule) {
    flyteidl::admin::LaunchPlanCreateRequest plan;
    *plan.mutable_id() = Id(flyteidl::core::LAUNCH_PLAN, "scheduled", version);
    *plan.mutable_spec()->mutable_workflow_id() = Id(flyteidl::core::WORKFLOW, "wf");
    *plan.mutable_spec()->mutable_entity_metadata()->mutable_schedule() = schedule;
    flyteidl::admin::LaunchPlanCreateResponse response;
    return admin->entities().CreateLaunchPlan(plan, &response);
  }

  void SetActive(const std::string& version, bool active) {
    flyteidl::admin::LaunchPlanUpdateRequest update;
    *update.mutable_id() = Id(flyteidl::core::LAUNCH_PLAN, "scheduled", version);
    update.set_state(active ? flyteidl::admin::ACTIVE : flyteidl::admin::INACTIVE);
    flyteidl::admin::LaunchPlanUpdateResponse response;
    REQUIRE(admin->entities().UpdateLaunchPlan(update, &response).ok());
  }

  // The slot times (from the kickoff input) of the executions launched so far.
  std::vector<int64_t> LaunchedSlots() const {
    std::vector<int64_t> slots;
    for (const auto& execution : engine.submitted) {
      slots.push_back(execution.inputs.literals().at("kickoff").scalar().primitive().datetime().seconds());
    }
    return slots;
  }
};

flyteidl::admin::Schedule EveryMinutes(int value) {
  flyteidl::admin::Schedule schedule;
  schedule.mutable_rate()->set_value(value);
  schedule.mutable_rate()->set_unit(flyteidl::admin::MINUTE);
  schedule.set_kickoff_time_input_arg("kickoff");
  return schedule;
}

flyteidl::admin::Schedule Cron(const std::string& expression) {
  flyteidl::admin::Schedule schedule;
  schedule.mutable_cron_schedule()->set_schedule(expression);
  schedule.set_kickoff_time_input_arg("kickoff");
  return schedule;
}

TEST_CASE("scheduler: a fixed rate launches each slot after its activation once, as SCHEDULED") {
  SchedulerFixture f;
  REQUIRE(f.Register("v1", EveryMinutes(1)).ok());
  Scheduler scheduler(*f.admin, f.clock, {});
  f.clock.Advance(minutes(5));
  CHECK(scheduler.LaunchDueSlots() == -1);  // not active: nothing scheduled
  CHECK(f.engine.submitted.empty());

  f.SetActive("v1", true);  // at kStart + 300
  CHECK(scheduler.LaunchDueSlots() == kStart + 360);
  CHECK(f.engine.submitted.empty());
  f.clock.Advance(seconds(150));
  CHECK(scheduler.LaunchDueSlots() == kStart + 480);
  CHECK(f.LaunchedSlots() == std::vector<int64_t>{kStart + 360, kStart + 420});
  flyteidl::admin::Execution first;
  REQUIRE(first.ParseFromString(f.engine.submitted[0].row.payload));
  CHECK(first.spec().metadata().mode() == flyteidl::admin::ExecutionMetadata::SCHEDULED);
  CHECK(first.spec().metadata().scheduled_at().seconds() == kStart + 360);
  CHECK(first.spec().metadata().principal() == "flyte-scheduler");
  CHECK(first.spec().launch_plan().version() == "v1");

  // Again at the same time, and from a scheduler that starts afresh (a restart): nothing new.
  CHECK(scheduler.LaunchDueSlots() == kStart + 480);
  Scheduler restarted(*f.admin, f.clock, {});
  restarted.LaunchDueSlots();
  CHECK(f.engine.submitted.size() == 2);
}

TEST_CASE("scheduler: after downtime only the most recent slots are caught up") {
  SchedulerFixture f;
  REQUIRE(f.Register("v1", EveryMinutes(1)).ok());
  f.SetActive("v1", true);
  f.clock.Advance(std::chrono::hours(24));
  Scheduler scheduler(*f.admin, f.clock, {.max_catch_up = 3});
  scheduler.LaunchDueSlots();
  CHECK(f.LaunchedSlots() == std::vector<int64_t>{kStart + 86400 - 120, kStart + 86400 - 60, kStart + 86400});
}

TEST_CASE("scheduler: deactivating, or activating another version, moves the schedule") {
  SchedulerFixture f;
  REQUIRE(f.Register("v1", EveryMinutes(2)).ok());
  REQUIRE(f.Register("v2", EveryMinutes(2)).ok());
  Scheduler scheduler(*f.admin, f.clock, {});
  f.SetActive("v1", true);
  f.clock.Advance(minutes(2));
  scheduler.LaunchDueSlots();
  REQUIRE(f.engine.submitted.size() == 1);

  f.SetActive("v1", false);
  f.clock.Advance(minutes(10));
  CHECK(scheduler.LaunchDueSlots() == -1);
  CHECK(f.engine.submitted.size() == 1);

  f.clock.Advance(seconds(30));
  f.SetActive("v2", true);  // at kStart + 750: its slots count from there
  f.clock.Advance(minutes(2));
  scheduler.LaunchDueSlots();
  REQUIRE(f.engine.submitted.size() == 2);
  CHECK(f.LaunchedSlots()[1] == kStart + 870);
  flyteidl::admin::Execution second;
  REQUIRE(second.ParseFromString(f.engine.submitted[1].row.payload));
  CHECK(second.spec().launch_plan().version() == "v2");
}

TEST_CASE("scheduler: cron slots fall on the expression's minutes") {
  SchedulerFixture f;
  REQUIRE(f.Register("v1", Cron("*/5 * * * *")).ok());
  f.SetActive("v1", true);  // 22:13:20
  Scheduler scheduler(*f.admin, f.clock, {});
  CHECK(scheduler.LaunchDueSlots() == kStart + 100);  // 22:15:00
  f.clock.Advance(minutes(7));                        // 22:20:20
  scheduler.LaunchDueSlots();
  CHECK(f.LaunchedSlots() == std::vector<int64_t>{kStart + 100, kStart + 400});
  std::set<std::string> names;
  for (const auto& execution : f.engine.submitted) names.insert(execution.row.key.name);
  CHECK(names.size() == 2);
}

TEST_CASE("scheduler: registration refuses schedules that could not run") {
  SchedulerFixture f;
  auto message = [&](const flyteidl::admin::Schedule& schedule) {
    Status status = f.Register("bad", schedule);
    CHECK(absl::IsInvalidArgument(status));
    return std::string(status.message());
  };
  CHECK(message(Cron("61 * * * *")).find("minute field \"61\"") != std::string::npos);
  CHECK(message(EveryMinutes(0)).find("above 0") != std::string::npos);
  flyteidl::admin::Schedule no_kickoff = EveryMinutes(1);
  no_kickoff.clear_kickoff_time_input_arg();
  CHECK(message(no_kickoff).find("input kickoff required without a default") != std::string::npos);
  flyteidl::admin::Schedule wrong_input = EveryMinutes(1);
  wrong_input.set_kickoff_time_input_arg("nope");
  CHECK(message(wrong_input).find("nope") != std::string::npos);
  flyteidl::admin::Schedule offset = Cron("@daily");
  offset.mutable_cron_schedule()->set_offset("1 hour");
  CHECK(message(offset).find("ISO 8601") != std::string::npos);
  offset.mutable_cron_schedule()->set_offset("PT1H");
  CHECK(f.Register("good", offset).ok());
}

TEST_CASE("scheduler: offsets longer than a year are refused, however many digits they have") {
  SchedulerFixture f;
  // P30000D was accepted and put the slot before the epoch, where the scheduler's thread threw
  // out of Next; the longer ones overflowed the seconds.
  for (const char* far : {"P367D", "-P53W", "P30000D", "PT99999999999999S", "P99999999999999D",
                          "P100000000000000000000D", "P200DT4000H"}) {
    flyteidl::admin::Schedule offset = Cron("@daily");
    offset.mutable_cron_schedule()->set_offset(far);
    Status status = f.Register("far", offset);
    CHECK_MESSAGE(absl::IsInvalidArgument(status), far);
    CHECK_MESSAGE(status.message().find("longer than a year") != std::string::npos, far);
  }
  flyteidl::admin::Schedule year = Cron("@daily");
  year.mutable_cron_schedule()->set_offset("-P366D");
  REQUIRE(f.Register("year", year).ok());
  f.SetActive("year", true);
  Scheduler scheduler(*f.admin, f.clock, {});
  CHECK(scheduler.LaunchDueSlots() == (kStart / 86400 + 1) * 86400);  // the next midnight, a year early
}

}  // namespace
}  // namespace flyte::scheduler
