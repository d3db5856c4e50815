// A launch plan's schedule (FlyteAdmin's Schedule): when its slots fall, and what registration
// checks. The scheduler (src/scheduler/) launches the slots of active launch plans.
#pragma once

#include <cstdint>
#include <optional>

#include "common/cron.h"
#include "common/status.h"
#include "flyteidl/admin/schedule.pb.h"
#include "flyteidl/core/interface.pb.h"

namespace flyte::admin {

class LaunchPlanSchedule {
 public:
  // INVALID_ARGUMENT for a bad cron expression or offset, a rate of 0, or the deprecated
  // cron_expression (AWS syntax; flytekit sends cron_schedule).
  static StatusOr<LaunchPlanSchedule> Parse(const flyteidl::admin::Schedule& schedule);

  // The first slot strictly after `after` (seconds since the epoch), or -1 if none comes. Fixed
  // rates count from `anchor`, when the schedule became active; cron slots fall on the
  // expression's minutes (UTC), shifted by the offset.
  int64_t NextSlot(int64_t after, int64_t anchor) const;

 private:
  std::optional<CronExpression> cron_;
  int64_t offset_seconds_ = 0;
  int64_t interval_seconds_ = 0;  // fixed rates
};

// What CreateLaunchPlan checks of a schedule besides its syntax: kickoff_time_input_arg names a
// datetime input the launch plan leaves free, and no other input is required without a default.
Status ValidateSchedule(const flyteidl::admin::Schedule& schedule, const flyteidl::core::ParameterMap& expected_inputs);

}  // namespace flyte::admin
