#include "scheduler/scheduler.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <deque>
#include <vector>

#include "admin/scheduled_launch_plans.h"
#include "common/digest.h"
#include "common/log.h"
#include "common/metrics.h"

namespace flyte::scheduler {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int64_t kCatchUpWindowSeconds = 7 * 86400;

std::string PlanKey(const flyteidl::core::Identifier& id) { return id.project() + "/" + id.domain() + "/" + id.name(); }

// FlyteScheduler derives the name from the launch plan and the slot too: "s" and 19 hex
// characters of a digest of both, a valid execution name.
std::string SlotExecutionName(const flyteidl::core::Identifier& id, int64_t slot) {
  return "s" + HexEncode(Sha256(PlanKey(id) + "@" + std::to_string(slot))).substr(0, 19);
}

// Seconds from a slot to its execution's launch: how late the scheduler runs.
metrics::Histogram& LaunchLag() {
  static metrics::Histogram& lag =
      metrics::Default()
          .AddHistogram("flyte_scheduler_lag_seconds",
                        "Time from a scheduled slot to the launch of its execution (catch-up after downtime "
                        "included).",
                        {}, {0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60, 300, 3600, 86400})
          .With({});
  return lag;
}

Status LaunchSlot(admin::Admin& admin, const Clock& clock, const flyteidl::admin::LaunchPlan& plan, int64_t slot) {
  admin::LaunchRequest request;
  request.key = {plan.id().project(), plan.id().domain(), SlotExecutionName(plan.id(), slot)};
  *request.spec.mutable_launch_plan() = plan.id();
  auto* metadata = request.spec.mutable_metadata();
  metadata->set_mode(flyteidl::admin::ExecutionMetadata::SCHEDULED);
  metadata->set_principal("flyte-scheduler");
  *metadata->mutable_scheduled_at() = TimeUtil::SecondsToTimestamp(slot);
  const std::string& kickoff = plan.spec().entity_metadata().schedule().kickoff_time_input_arg();
  if (!kickoff.empty()) {
    *(*request.inputs.mutable_literals())[kickoff].mutable_scalar()->mutable_primitive()->mutable_datetime() =
        TimeUtil::SecondsToTimestamp(slot);
  }
  Status launched = admin.executions().Launch(request).status();
  if (launched.ok()) LaunchLag().Observe(static_cast<double>(clock.NowMillis()) / 1000 - static_cast<double>(slot));
  return absl::IsAlreadyExists(launched) ? absl::OkStatus() : launched;
}

}  // namespace

Scheduler::Scheduler(admin::Admin& admin, const Clock& clock, SchedulerConfig config)
    : admin_(admin), clock_(clock), config_(config) {
  (void)LaunchLag();  // registered now, so a scrape shows it before the first slot
}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Scheduler::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

int64_t Scheduler::LaunchDueSlots() {
  const int64_t now = clock_.NowMillis() / 1000;
  int64_t next_slot = -1;
  for (const admin::ScheduledLaunchPlan& scheduled : admin::ListScheduledLaunchPlans(admin_)) {
    const flyteidl::admin::LaunchPlan& plan = scheduled.plan;
    int64_t& last = last_slot_[PlanKey(plan.id())];
    // Slots after the activation and the last one launched, the most recent max_catch_up of them.
    std::deque<int64_t> due;
    const int64_t anchor = scheduled.ActiveSince();
    for (int64_t slot = scheduled.NextSlot(std::max({anchor, last, now - kCatchUpWindowSeconds}));
         slot >= 0 && slot <= now; slot = scheduled.NextSlot(slot)) {
      due.push_back(slot);
      if (due.size() > static_cast<size_t>(std::max(config_.max_catch_up, 1))) due.pop_front();
    }
    for (int64_t slot : due) {
      Status launched = LaunchSlot(admin_, clock_, plan, slot);
      if (!launched.ok()) {
        log::Warn("scheduler", "cannot launch a scheduled execution",
                  {{"launch_plan", PlanKey(plan.id())}, {"slot", slot}, {"error", std::string(launched.message())}});
      }
      last = slot;
    }
    const int64_t next = scheduled.NextSlot(now);
    if (next >= 0 && (next_slot < 0 || next < next_slot)) next_slot = next;
  }
  return next_slot;
}

void Scheduler::Run() {
  while (true) {
    const int64_t next_slot = LaunchDueSlots();
    const int64_t now_ms = clock_.NowMillis();
    int64_t wait_ms = config_.refresh.count();
    if (next_slot >= 0) wait_ms = std::clamp<int64_t>(next_slot * 1000 - now_ms, 0, wait_ms);
    absl::MutexLock lock(&mu_);
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::Milliseconds(wait_ms))) return;
  }
}

}  // namespace flyte::scheduler
