#include "server/schedules_endpoint.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <string>
#include <vector>

#include "admin/scheduled_launch_plans.h"

namespace flyte::server {

HttpReply SchedulesReply(admin::Admin& admin, int64_t now_seconds) {
  using google::protobuf::util::MessageToJsonString;
  std::vector<admin::ScheduledLaunchPlan> scheduled = admin::ListScheduledLaunchPlans(admin);
  std::vector<std::pair<int64_t, std::string>> entries;
  for (const admin::ScheduledLaunchPlan& plan : scheduled) {
    const int64_t next = plan.NextSlot(now_seconds);
    if (next < 0) continue;  // a schedule with no slot to come
    std::string id, schedule;
    (void)MessageToJsonString(plan.plan.id(), &id);
    (void)MessageToJsonString(plan.plan.spec().entity_metadata().schedule(), &schedule);
    entries.emplace_back(next, "{\"launchPlan\":" + id + ",\"schedule\":" + schedule + ",\"nextRunAt\":\"" +
                                   google::protobuf::util::TimeUtil::ToString(
                                       google::protobuf::util::TimeUtil::SecondsToTimestamp(next)) +
                                   "\"}");
  }
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string body = "{\"schedules\":[";
  for (size_t i = 0; i < entries.size(); ++i) body += (i > 0 ? "," : "") + entries[i].second;
  body += "]}";
  return HttpReply{200, "application/json", std::move(body)};
}

}  // namespace flyte::server
