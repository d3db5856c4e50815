// The scope walk: readiness from upstream phases, max_parallelism, and one handler call per node
// visit. Steps only look at candidates, so a step costs what changed, not the workflow's size.
#include "engine/scope_walk.h"

#include "engine/data_layout.h"
#include "engine/engine_metrics.h"
#include "engine/failure_node.h"
#include "engine/node_handler.h"
#include "engine/recovered_node.h"

namespace flyte::engine {
namespace {

// max_parallelism of the execution (0: no limit) is taken.
bool LimitReached(const ExecutionRun& run) {
  const int limit = run.record.spec().max_parallelism();
  return limit > 0 && run.running_limited >= limit;
}

}  // namespace

void StartNode(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects) {
  const int64_t now = context.clock.NowMillis();
  node.phase = NodePhase::kRunning;
  Metrics().node_phases.Count(flyteidl::core::NodeExecution::RUNNING);
  node.started_at = now;
  if (CountsForParallelism(node)) run.running_limited += 1;
  Touch(run, node, now);
  auto inputs = ResolveBindings(node.spec->inputs(), ScopeOutputs(run, *node.scope));
  if (!inputs.ok()) {
    FailNode(run, node, SystemError("BindingResolutionFailure", std::string(inputs.status().message())), now);
    return;
  }
  if (&node == run.failure_node) AddErrorInput(run, node, *inputs);
  if (Status written = context.blobs.Put(NodeInputsKey(run.key, node.id), inputs->SerializeAsString()); !written.ok()) {
    FailNode(run, node, SystemError("InputsNotWritten", std::string(written.message())), now);
    return;
  }
  if (RecoverNode(context, run, node)) return;
  HandlerOf(node.kind).Start(context, run, node, *std::move(inputs), effects);
}

void AbortNode(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects,
               int64_t now) {
  if (node.phase != NodePhase::kRunning) return;
  HandlerOf(node.kind).Abort(context, run, node, effects, now);
  Finish(run, node, NodePhase::kAborted, now);
}

void AdvanceRunning(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects) {
  HandlerOf(node.kind).Advance(context, run, node, effects);
}

ScopeStatus AdvanceScope(const StepContext& context, ExecutionRun& run, Scope& scope, std::vector<Effect>& effects) {
  const auto& upstream = scope.workflow->connections().upstream();
  while (!scope.candidates.empty()) {
    std::set<std::string> batch;
    batch.swap(scope.candidates);
    for (const auto& spec_id : batch) {
      NodeRun& node = run.nodes[scope.unique_ids[spec_id]];
      if (node.phase == NodePhase::kRunning) {
        AdvanceRunning(context, run, node, effects);
        continue;
      }
      if (node.phase != NodePhase::kNotYetStarted) continue;
      std::vector<NodePhase> phases;
      if (auto it = upstream.find(spec_id); it != upstream.end()) {
        for (const auto& up : it->second.ids()) {
          if (!IsSentinel(up) && scope.unique_ids.contains(up)) phases.push_back(run.nodes[scope.unique_ids[up]].phase);
        }
      }
      switch (ReadinessOf(phases)) {
        case Readiness::kStart:
          if (LimitReached(run) && CountsForParallelism(node)) {
            run.deferred.emplace_back(&scope, spec_id);
          } else {
            StartNode(context, run, node, effects);
          }
          break;
        case Readiness::kSkip:
        case Readiness::kUpstreamFailed:
          Finish(run, node, NodePhase::kSkipped, context.clock.NowMillis());
          break;
        case Readiness::kWait:
          break;
      }
    }
    if (!scope.first_failed_id.empty() && FailImmediately(run)) break;
  }
  return StatusOf(run, scope);
}

}  // namespace flyte::engine
