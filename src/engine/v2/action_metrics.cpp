#include "engine/v2/action_metrics.h"

#include <flyteidl2/common/phase.pb.h>

namespace flyte::engine::v2 {

const ActionMetricFamilies& ActionMetrics() {
  metrics::Registry& registry = metrics::Default();
  static const ActionMetricFamilies families{
      PhaseCounters("flyte_engine_action_phase_transitions_total",
                    "Flyte 2 action attempts that entered each phase (QUEUED: actions handed to the executor).",
                    *flyteidl2::common::ActionPhase_descriptor(), "ACTION_PHASE_"),
      registry.AddGauge("flyte_engine_active_actions", "Flyte 2 actions the executor is driving.").With({}),
      // Runs last from seconds to hours, beyond the API latencies' buckets.
      registry
          .AddHistogram("flyte_engine_run_duration_seconds", "Flyte 2 runs from their creation to their end.", {},
                        {1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 10800})
          .With({}),
  };
  return families;
}

}  // namespace flyte::engine::v2
