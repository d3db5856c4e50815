// What the scheduler is told by app/ (YAML section `scheduler`).
#pragma once

#include <chrono>

namespace flyte::scheduler {

struct SchedulerConfig {
  // Slots missed while the sandbox was stopped that are still launched, per launch plan (the most
  // recent ones); slots older than a week are never caught up.
  int max_catch_up = 3;
  // How often active launch plans are looked up again between slots (activations, deactivations).
  std::chrono::milliseconds refresh{2000};
};

}  // namespace flyte::scheduler
