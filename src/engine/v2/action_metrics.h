// Flyte 2's executor metrics (in common/metrics.h's registry), beside the v1 engine's
// (engine_metrics.h) and counted the same way, as transitions where the executor commits them:
// the phases action attempts enter, the actions it drives, and how long runs take.
#pragma once

#include "common/metrics.h"
#include "engine/engine_metrics.h"

namespace flyte::engine::v2 {

struct ActionMetricFamilies {
  // flyteidl2.common.ActionPhase without its ACTION_PHASE_ prefix: QUEUED when an action is handed
  // to the executor, then each phase an attempt enters (a retried attempt's FAILED too). Traces,
  // recorded finished by the admin layer, are not run, so not counted.
  PhaseCounters action_phases;
  metrics::Gauge& active_actions;   // unfinished actions the executor drives
  metrics::Histogram& run_seconds;  // runs (root actions) from creation to their end
};
const ActionMetricFamilies& ActionMetrics();

}  // namespace flyte::engine::v2
