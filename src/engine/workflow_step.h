// One executor step for one execution, as functions over its in-memory state: start what is
// ready, react to finished attempts, finish the workflow, and describe what to persist and
// which effects (start/abort/finalize an attempt) to perform once it is persisted.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "common/clock.h"
#include "engine/engine.h"
#include "engine/run_state.h"
#include "store/cache_store.h"
#include "store/signal_store.h"

namespace flyte::engine {

// Which execution and node each live attempt belongs to.
using AttemptIndex = std::map<plugins::AttemptId, std::pair<store::ExecutionKey, std::string>>;
using RunMap = std::map<store::ExecutionKey, std::unique_ptr<ExecutionRun>>;

struct StepContext {
  store::ExecutionStore& executions;
  store::BlobStore& blobs;
  plugins::Plugin& plugin;
  const Clock& clock;
  const EngineConfig& config;
  AttemptIndex& attempts;
  const ControlPlane& control_plane;
  store::CacheStore& cache;
  store::SignalStore& signals;
};

struct Effect {
  enum class Kind { kStart, kAbort, kFinalize, kTerminateChild } kind;
  plugins::TaskAttempt attempt = {};  // kStart
  plugins::AttemptId id = {};         // kAbort, kFinalize
  store::ExecutionKey child = {};     // kTerminateChild
};

// Rebuilds a run from its stored rows (new executions have none yet). Attempts that were
// running are re-attached to their processes, or judged by their outputs when those are gone.
StatusOr<std::unique_ptr<ExecutionRun>> LoadRun(const StepContext& context, const store::ExecutionRow& row,
                                                std::vector<Effect>& effects);

// Checks the plugin for `id` and applies a finished attempt's result to its node.
void HandleAttemptChange(const StepContext& context, RunMap& runs, const plugins::AttemptId& id,
                         std::vector<Effect>& effects);

// Starts ready nodes, finishes parents, applies timeouts and aborts, completes the workflow.
void AdvanceExecution(const StepContext& context, ExecutionRun& run, std::vector<Effect>& effects);

// Adds everything marked dirty to `write` and clears the marks.
void CollectWrites(const StepContext& context, ExecutionRun& run, store::ExecutionWrite& write);

// Marks dirty again everything `write` held, after its transaction failed (a full disk): the next
// step writes those rows as they are then, so a step that could not be stored is not lost.
void MarkUnwritten(RunMap& runs, const store::ExecutionWrite& write);

// Carries out an effect after its step was persisted; `terminate` aborts another execution.
void Perform(const StepContext& context, const Effect& effect,
             const std::function<void(const store::ExecutionKey&, const std::string&)>& terminate);

// The earliest attempt deadline or sleep-gate wake time (unix ms) in the run; INT64_MAX when none.
int64_t NextDeadline(const ExecutionRun& run);

// Marks an execution that cannot be loaded (e.g. missing closure) as failed.
void MarkUnloadable(const Clock& clock, store::ExecutionRow& row, const Status& why);

}  // namespace flyte::engine
