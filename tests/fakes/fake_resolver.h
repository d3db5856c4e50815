// An in-memory EntityResolver: tasks and launch plans registered by the test, keyed by
// project/domain/name@version, with lookup counters and an injectable failure.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "engine/engine.h"

namespace flyte::testing {

class FakeResolver : public engine::EntityResolver {
 public:
  void AddTask(flyteidl::core::TaskTemplate task) {
    std::string key = engine::IdentifierToString(task.id());
    tasks_[key] = std::move(task);
  }

  void AddLaunchPlan(const flyteidl::core::Identifier& id, engine::LaunchPlanInterface plan) {
    launch_plans_[engine::IdentifierToString(id)] = std::move(plan);
  }

  StatusOr<flyteidl::core::TaskTemplate> GetTask(const flyteidl::core::Identifier& id) override {
    ++task_lookups;
    if (!failure.ok()) return failure;
    auto it = tasks_.find(engine::IdentifierToString(id));
    if (it == tasks_.end()) return absl::NotFoundError("no task " + engine::IdentifierToString(id));
    return it->second;
  }

  StatusOr<engine::LaunchPlanInterface> GetLaunchPlan(const flyteidl::core::Identifier& id) override {
    ++launch_plan_lookups;
    if (!failure.ok()) return failure;
    auto it = launch_plans_.find(engine::IdentifierToString(id));
    if (it == launch_plans_.end()) return absl::NotFoundError("no launch plan " + engine::IdentifierToString(id));
    return it->second;
  }

  int task_lookups = 0;
  int launch_plan_lookups = 0;
  Status failure;  // when not OK, every lookup returns it

 private:
  std::map<std::string, flyteidl::core::TaskTemplate> tasks_;
  std::map<std::string, engine::LaunchPlanInterface> launch_plans_;
};

}  // namespace flyte::testing
