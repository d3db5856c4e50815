// The engine's Prometheus metrics (in common/metrics.h's registry): how long a step takes, how
// many commands wait for the loop, how many executions it drives, and the phases executions, nodes
// and task attempts enter. Phases are counted as transitions, where the engine makes them (once
// each: a step whose write fails is written again, not made again), not read from the store at
// scrape time: counting stays O(1) however long the history, and rate() of a counter shows what
// runs now, where gauges of current phases would scan every row on each scrape.
#pragma once

#include <google/protobuf/descriptor.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/metrics.h"

namespace flyte::engine {

// One counter per value of a phase enum (a label `phase` with the enum's names), found once, so
// counting a transition takes no lock. Every phase is exposed from the start, at 0.
class PhaseCounters {
 public:
  // `prefix`: what every value's name starts with and the label leaves out (ACTION_PHASE_).
  PhaseCounters(const std::string& name, const std::string& help, const google::protobuf::EnumDescriptor& phases,
                std::string_view prefix = "");
  // One more entered `phase` (a number of that enum).
  void Count(int phase) const;

 private:
  std::vector<metrics::Counter*> by_number_;
};

struct EngineMetrics {
  metrics::Histogram& step_seconds;   // a step that had something to do: advance, persist, act
  metrics::Gauge& queue_depth;        // commands (submit, terminate, attempt changed, wake) waiting
  metrics::Gauge& active_executions;  // executions the loop drives
  PhaseCounters execution_phases;     // flyteidl.core.WorkflowExecution.Phase
  PhaseCounters node_phases;          // flyteidl.core.NodeExecution.Phase
  PhaseCounters task_phases;          // flyteidl.core.TaskExecution.Phase
};
const EngineMetrics& Metrics();

}  // namespace flyte::engine
