#include "admin/launch_plan_schedule.h"

#include <charconv>
#include <string>
#include <string_view>

namespace flyte::admin {
namespace {

// An offset longer than a year is refused: no schedule needs one, and the bound keeps the slot
// arithmetic (seconds since the epoch shifted by it) far from overflowing or from reaching back
// before the epoch.
constexpr int64_t kMaxOffsetSeconds = int64_t{366} * 86400;

// Seconds in a duration's unit letter, in the date part (before 'T') or the time part; 0 when it
// is no unit there.
int64_t UnitSeconds(char unit, bool in_time) {
  if (!in_time) return unit == 'D' ? 86400 : unit == 'W' ? 7 * 86400 : 0;
  return unit == 'H' ? 3600 : unit == 'M' ? 60 : unit == 'S' ? 1 : 0;
}

// An ISO 8601 duration of days, hours, minutes and seconds ("P1D", "PT1H30M", "-PT5M"): the
// parts a schedule's offset can use (years and months have no fixed length).
StatusOr<int64_t> ParseOffset(std::string_view text) {
  const std::string original(text);
  auto bad = [&] {
    return absl::InvalidArgumentError("schedule offset \"" + original +
                                      "\" is not an ISO 8601 duration of days, hours, minutes and seconds "
                                      "(e.g. PT1H, P1DT30M)");
  };
  auto too_long = [&] {
    return absl::InvalidArgumentError("schedule offset \"" + original + "\" is longer than a year (366 days)");
  };
  int64_t sign = 1;
  if (!text.empty() && text.front() == '-') {
    sign = -1;
    text.remove_prefix(1);
  }
  if (text.size() < 2 || text.front() != 'P') return bad();
  text.remove_prefix(1);
  int64_t total = 0;
  bool in_time = false;
  bool any = false;
  while (!text.empty()) {
    if (text.front() == 'T') {
      if (in_time) return bad();
      in_time = true;
      text.remove_prefix(1);
      continue;
    }
    int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc::result_out_of_range) return too_long();
    if (error != std::errc() || end == text.data() + text.size() || value < 0) return bad();
    const int64_t unit_seconds = UnitSeconds(*end, in_time);
    text.remove_prefix(static_cast<size_t>(end - text.data()) + 1);
    if (unit_seconds == 0) return bad();
    // Each term and the sum checked against the bound before they could overflow.
    if (value > kMaxOffsetSeconds / unit_seconds) return too_long();
    total += value * unit_seconds;
    if (total > kMaxOffsetSeconds) return too_long();
    any = true;
  }
  if (!any) return bad();
  return sign * total;
}

int64_t RateSeconds(flyteidl::admin::FixedRateUnit unit) {
  switch (unit) {
    case flyteidl::admin::HOUR:
      return 3600;
    case flyteidl::admin::DAY:
      return 86400;
    default:
      return 60;
  }
}

}  // namespace

StatusOr<LaunchPlanSchedule> LaunchPlanSchedule::Parse(const flyteidl::admin::Schedule& schedule) {
  LaunchPlanSchedule parsed;
  switch (schedule.ScheduleExpression_case()) {
    case flyteidl::admin::Schedule::kCronSchedule: {
      ASSIGN_OR_RETURN(parsed.cron_, CronExpression::Parse(schedule.cron_schedule().schedule()));
      if (!schedule.cron_schedule().offset().empty()) {
        ASSIGN_OR_RETURN(parsed.offset_seconds_, ParseOffset(schedule.cron_schedule().offset()));
      }
      return parsed;
    }
    case flyteidl::admin::Schedule::kRate:
      if (schedule.rate().value() == 0)
        return absl::InvalidArgumentError("a fixed rate schedule needs a value above 0");
      parsed.interval_seconds_ = int64_t{schedule.rate().value()} * RateSeconds(schedule.rate().unit());
      return parsed;
    case flyteidl::admin::Schedule::kCronExpression:
      return absl::InvalidArgumentError(
          "the deprecated cron_expression schedule is not supported; use cron_schedule (flytekit's CronSchedule)");
    default:
      return absl::InvalidArgumentError("the schedule sets neither a cron schedule nor a fixed rate");
  }
}

int64_t LaunchPlanSchedule::NextSlot(int64_t after, int64_t anchor) const {
  if (cron_) {
    const int64_t next = cron_->Next(after - offset_seconds_);
    return next < 0 ? -1 : next + offset_seconds_;
  }
  if (after < anchor) return anchor + interval_seconds_;
  return anchor + ((after - anchor) / interval_seconds_ + 1) * interval_seconds_;
}

Status ValidateSchedule(const flyteidl::admin::Schedule& schedule,
                        const flyteidl::core::ParameterMap& expected_inputs) {
  RETURN_IF_ERROR(LaunchPlanSchedule::Parse(schedule).status());
  const std::string& kickoff = schedule.kickoff_time_input_arg();
  if (!kickoff.empty()) {
    const auto found = expected_inputs.parameters().find(kickoff);
    if (found == expected_inputs.parameters().end()) {
      return absl::InvalidArgumentError("kickoff_time_input_arg " + kickoff +
                                        " is not a free input of the launch plan");
    }
    if (found->second.var().type().simple() != flyteidl::core::DATETIME) {
      return absl::InvalidArgumentError("kickoff_time_input_arg " + kickoff + " must be a datetime input");
    }
  }
  for (const auto& [name, parameter] : expected_inputs.parameters()) {
    if (parameter.required() && name != kickoff) {
      return absl::InvalidArgumentError("a launch plan with a schedule cannot leave input " + name +
                                        " required without a default");
    }
  }
  return absl::OkStatus();
}

}  // namespace flyte::admin
