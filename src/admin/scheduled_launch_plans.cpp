#include "admin/scheduled_launch_plans.h"

#include "admin/admin.h"

namespace flyte::admin {
namespace {

constexpr int kListLimit = 1000;

}  // namespace

std::vector<ScheduledLaunchPlan> ListScheduledLaunchPlans(Admin& admin) {
  std::vector<ScheduledLaunchPlan> scheduled;
  flyteidl::admin::ProjectListRequest list_projects;
  list_projects.set_limit(kListLimit);
  flyteidl::admin::Projects projects;
  if (!admin.projects().ListProjects(list_projects, &projects).ok()) return scheduled;
  for (const auto& project : projects.projects()) {
    for (const auto& domain : project.domains()) {
      flyteidl::admin::ActiveLaunchPlanListRequest request;
      request.set_project(project.id());
      request.set_domain(domain.id());
      request.set_limit(kListLimit);
      flyteidl::admin::LaunchPlanList active;
      if (!admin.entities().ListActiveLaunchPlans(request, &active).ok()) continue;
      for (auto& plan : *active.mutable_launch_plans()) {
        if (!plan.spec().entity_metadata().has_schedule()) continue;
        StatusOr<LaunchPlanSchedule> schedule = LaunchPlanSchedule::Parse(plan.spec().entity_metadata().schedule());
        if (schedule.ok()) scheduled.push_back({std::move(plan), *std::move(schedule)});
      }
    }
  }
  return scheduled;
}

}  // namespace flyte::admin
