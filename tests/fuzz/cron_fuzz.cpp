// Cron schedules of launch plans (common/cron.cpp, admin/launch_plan_schedule.cpp), which a client
// registers and the scheduler then evaluates every tick. Input: "<cron expression>\n<offset>\n<after>":
// the expression and its ISO 8601 offset as flytekit's CronSchedule sends them, and the time the
// next slot is asked after (seconds; 1700000000 when it does not parse). A slot is a whole minute
// strictly after the time asked, or -1 (none within five years).
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "admin/launch_plan_schedule.h"
#include "common/cron.h"
#include "fuzz/fuzz_input.h"

namespace {

// The scheduler asks about times near its clock: from the epoch to the year 2500.
constexpr int64_t kLatest = int64_t{16'725'225'600};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string_view expression = flyte::fuzz::NextLine(input);
  const std::string_view offset = flyte::fuzz::NextLine(input);
  int64_t after = 1'700'000'000;
  (void)std::from_chars(input.data(), input.data() + input.size(), after);
  if (after < 0 || after > kLatest) after = 1'700'000'000;

  if (auto cron = flyte::CronExpression::Parse(expression); cron.ok()) {
    const int64_t next = cron->Next(after);
    if (next != -1 && (next <= after || next % 60 != 0)) abort();
  }
  flyteidl::admin::Schedule schedule;
  schedule.mutable_cron_schedule()->set_schedule(std::string(expression));
  schedule.mutable_cron_schedule()->set_offset(std::string(offset));
  if (auto parsed = flyte::admin::LaunchPlanSchedule::Parse(schedule); parsed.ok()) {
    const int64_t next = parsed->NextSlot(after, after);
    if (next != -1 && next <= after) abort();
  }
  return 0;
}
