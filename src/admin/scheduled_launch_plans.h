// The launch plans FlyteScheduler runs: every active launch plan with a schedule, in every project
// and domain, and when each one's next slot falls. The scheduler launches their slots; the HTTP
// side shows them (FlyteAdmin's API has no place for a next run time).
#pragma once

#include <cstdint>
#include <vector>

#include "admin/launch_plan_schedule.h"
#include "flyteidl/admin/launch_plan.pb.h"

namespace flyte::admin {

class Admin;

struct ScheduledLaunchPlan {
  flyteidl::admin::LaunchPlan plan;
  LaunchPlanSchedule schedule;

  // When the launch plan became active (seconds since the epoch): fixed rates count from it.
  int64_t ActiveSince() const { return plan.closure().updated_at().seconds(); }
  // The first slot strictly after `after` (seconds since the epoch), or -1 if none comes.
  int64_t NextSlot(int64_t after) const { return schedule.NextSlot(after, ActiveSince()); }
};

// Launch plans whose schedule does not parse (registered by an older version) are left out.
std::vector<ScheduledLaunchPlan> ListScheduledLaunchPlans(Admin& admin);

}  // namespace flyte::admin
