// GET /sandbox/v1/schedules: every active schedule and when its next execution starts, for the
// CLI (`flyte sandbox schedules`) and the console. FlyteAdmin's API has no place for a next run
// time, so this is the sandbox's own route, beside /api/v1.
#pragma once

#include <cstdint>

#include "admin/admin.h"
#include "server/gateway.h"

namespace flyte::server {

inline constexpr char kSchedulesPath[] = "/sandbox/v1/schedules";

// {"schedules":[{"launchPlan":<Identifier>,"schedule":<Schedule>,"nextRunAt":"<RFC 3339>"}]} in
// the gateway's JSON (proto field names in lowerCamelCase), sorted by next run. Reads the
// registry: call it off the network threads.
HttpReply SchedulesReply(admin::Admin& admin, int64_t now_seconds);

}  // namespace flyte::server
