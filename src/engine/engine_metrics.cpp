#include "engine/engine_metrics.h"

#include "flyteidl/core/execution.pb.h"

namespace flyte::engine {

PhaseCounters::PhaseCounters(const std::string& name, const std::string& help,
                             const google::protobuf::EnumDescriptor& phases, std::string_view prefix) {
  auto& family = metrics::Default().AddCounter(name, help, {"phase"});
  for (int i = 0; i < phases.value_count(); ++i) {
    const auto* value = phases.value(i);
    std::string_view label = value->name();
    if (label.starts_with(prefix)) label.remove_prefix(prefix.size());
    if (value->number() >= static_cast<int>(by_number_.size())) by_number_.resize(value->number() + 1);
    by_number_[value->number()] = &family.With({std::string(label)});
  }
}

void PhaseCounters::Count(int phase) const {
  if (phase >= 0 && phase < static_cast<int>(by_number_.size()) && by_number_[phase] != nullptr) {
    by_number_[phase]->Increment();
  }
}

const EngineMetrics& Metrics() {
  metrics::Registry& registry = metrics::Default();
  static const EngineMetrics engine_metrics{
      registry
          .AddHistogram("flyte_engine_step_duration_seconds",
                        "Time of an engine step that had work: advance what changed, persist it in one transaction, "
                        "then start, abort or finalize attempts.",
                        {}, metrics::LatencyBuckets())
          .With({}),
      registry
          .AddGauge("flyte_engine_queue_depth",
                    "Commands (submit, terminate, attempt changed, wake) waiting for the engine's loop.")
          .With({}),
      registry.AddGauge("flyte_engine_active_executions", "Executions the engine is driving.").With({}),
      PhaseCounters("flyte_engine_execution_phase_transitions_total", "Workflow executions that entered each phase.",
                    *flyteidl::core::WorkflowExecution::Phase_descriptor()),
      PhaseCounters("flyte_engine_node_phase_transitions_total", "Node executions that entered each phase.",
                    *flyteidl::core::NodeExecution::Phase_descriptor()),
      PhaseCounters("flyte_engine_task_attempt_phase_transitions_total", "Task attempts that entered each phase.",
                    *flyteidl::core::TaskExecution::Phase_descriptor()),
  };
  return engine_metrics;
}

}  // namespace flyte::engine
