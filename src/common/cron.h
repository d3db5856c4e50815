// Cron expressions as FlyteAdmin accepts them for CronSchedule (robfig/cron's standard parser):
// five fields, minute hour day-of-month month day-of-week, each `*`, `?`, a value, a range `a-b`,
// a step `*/n` or `a-b/n` or `a/n`, or a list of those; month (JAN-DEC) and day (SUN-SAT) names;
// the descriptors @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly. In UTC.
#pragma once

#include <bitset>
#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace flyte {

class CronExpression {
 public:
  // INVALID_ARGUMENT naming the field and what is wrong with it.
  static StatusOr<CronExpression> Parse(std::string_view expression);

  // The first matching minute strictly after `after` (seconds since the epoch, before it too), in
  // seconds since the epoch; -1 when none comes within five years (e.g. "0 0 30 2 *").
  int64_t Next(int64_t after) const;

 private:
  bool DayMatches(int64_t days_since_epoch) const;

  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // 1..31
  std::bitset<13> months_;         // 1..12
  std::bitset<7> days_of_week_;    // 0 = Sunday
  // As robfig/cron: when either day field is `*` or `?`, a day must match both; else either.
  bool any_day_of_month_ = false;
  bool any_day_of_week_ = false;
};

}  // namespace flyte
