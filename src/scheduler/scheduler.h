// Front header of the scheduler (FlyteScheduler): launches an execution for each slot of every
// active launch plan that has a schedule, on time and once per slot, through the admin layer.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "admin/admin.h"
#include "common/clock.h"
#include "scheduler/scheduler_config.h"

namespace flyte::scheduler {

// One thread of its own (Start/Stop from the control thread). An execution's name is derived
// from its launch plan's name and slot time, so a slot launched before a restart answers
// ALREADY_EXISTS after it and never runs twice.
class Scheduler {
 public:
  Scheduler(admin::Admin& admin, const Clock& clock, SchedulerConfig config);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void Start();
  void Stop();

  // Launches every slot that has come (bounded catch-up after downtime); returns the time of the
  // next slot of any active schedule (seconds since the epoch), or -1 if none. Tests call it with
  // a fake clock.
  int64_t LaunchDueSlots();

 private:
  void Run();

  admin::Admin& admin_;
  const Clock& clock_;
  const SchedulerConfig config_;
  // The latest slot launched per launch plan (project/domain/name), so that a pass tries only
  // slots after it. Used by the scheduler's thread (or a test) alone.
  std::map<std::string, int64_t> last_slot_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace flyte::scheduler
