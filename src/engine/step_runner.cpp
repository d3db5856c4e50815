#include "engine/step_runner.h"

#include <chrono>
#include <climits>

#include "engine/engine_metrics.h"

namespace flyte::engine {

StepRunner::StepRunner(EngineDeps& deps, plugins::Plugin& plugin, const ControlPlane& control_plane)
    : deps_(deps), plugin_(plugin), context_{deps.executions, deps.blobs,    plugin,     deps.clock,  deps.config,
                                             attempt_index_,  control_plane, deps.cache, deps.signals} {}

Status StepRunner::Recover() {
  ASSIGN_OR_RETURN(auto rows, deps_.executions.ListActiveExecutions());
  for (const auto& row : rows) Load(row, pending_effects_);
  Metrics().active_executions.Set(static_cast<double>(runs_.size()));
  return absl::OkStatus();
}

void StepRunner::Load(const store::ExecutionRow& row, std::vector<Effect>& effects) {
  auto run = LoadRun(context_, row, effects);
  if (!run.ok()) {
    // A run that cannot be loaded is failed rather than blocking every other one.
    FailUnloadable(row, run.status());
    return;
  }
  runs_[row.key] = std::move(*run);
  touched_.insert(row.key);
}

void StepRunner::Submit(const store::ExecutionKey& key) {
  auto row = deps_.executions.GetExecution(key);
  if (!row.ok() || runs_.contains(key)) return;
  Load(*row, pending_effects_);
}

void StepRunner::Terminate(const store::ExecutionKey& key, const std::string& cause) {
  auto it = runs_.find(key);
  if (it == runs_.end()) return;
  it->second->aborting = true;
  it->second->abort_cause = cause;
  touched_.insert(key);
}

void StepRunner::Wake(const store::ExecutionKey& key) {
  auto it = runs_.find(key);
  if (it == runs_.end()) return;
  it->second->woken = true;
  touched_.insert(key);
}

void StepRunner::AttemptChanged(const plugins::AttemptId& id) {
  auto owner = attempt_index_.find(id);
  if (owner == attempt_index_.end()) {
    (void)plugin_.Finalize(id);  // an attempt nobody waits for any more
    return;
  }
  if (!runs_.contains(owner->second.first)) return;
  changed_attempts_.push_back(id);
  touched_.insert(owner->second.first);
}

int64_t StepRunner::NextDeadline() const {
  int64_t next = INT64_MAX;
  for (const auto& [key, run] : runs_) next = std::min(next, engine::NextDeadline(*run));
  return next;
}

void StepRunner::Step(const std::function<void(const store::ExecutionKey&, const std::string&)>& terminate,
                      const std::function<void(const store::ExecutionKey&)>& wake) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<Effect> effects = std::move(pending_effects_);
  pending_effects_.clear();
  // Deadlines are checked on every wake-up.
  for (const auto& [key, run] : runs_) {
    if (engine::NextDeadline(*run) <= deps_.clock.NowMillis()) touched_.insert(key);
  }
  // A wake-up with nothing to do is no step: it neither writes nor counts in the step latency.
  if (effects.empty() && changed_attempts_.empty() && touched_.empty()) return;
  for (const auto& id : changed_attempts_) HandleAttemptChange(context_, runs_, id, effects);
  changed_attempts_.clear();
  store::ExecutionWrite write;
  std::vector<store::ExecutionKey> finished;
  for (const auto& key : touched_) {
    auto it = runs_.find(key);
    if (it == runs_.end()) continue;
    ExecutionRun& run = *it->second;
    AdvanceExecution(context_, run, effects);
    CollectWrites(context_, run, write);
    if (run.row.terminal) finished.push_back(key);
  }
  touched_.clear();
  // Persist first: a crash after this line re-attaches or retries, never loses a step.
  if (Status persisted = deps_.executions.Apply(write); !persisted.ok()) {
    // Without durable state we must not act; the next wake-up (a second at most) writes it again.
    MarkUnwritten(runs_, write);
    for (const auto& row : write.executions) touched_.insert(row.key);
    for (const auto& row : write.nodes) touched_.insert(row.execution);
    for (const auto& row : write.tasks) touched_.insert(row.execution);
    pending_effects_ = std::move(effects);
    Metrics().step_seconds.ObserveSince(started);
    return;
  }
  for (const auto& key : finished) {
    // A child execution's parent node waits for it.
    const auto& metadata = runs_[key]->record.spec().metadata();
    if (metadata.has_parent_node_execution()) {
      const auto& parent = metadata.parent_node_execution().execution_id();
      wake({parent.project(), parent.domain(), parent.name()});
    }
    runs_.erase(key);
  }
  for (const auto& effect : effects) {
    Perform(context_, effect, terminate);
    // A start that failed at once reports through Check; look right away.
    if (effect.kind == Effect::Kind::kStart) changed_attempts_.push_back(effect.attempt.id);
  }
  for (const auto& id : changed_attempts_) {
    if (auto owner = attempt_index_.find(id); owner != attempt_index_.end()) touched_.insert(owner->second.first);
  }
  Metrics().active_executions.Set(static_cast<double>(runs_.size()));
  Metrics().step_seconds.ObserveSince(started);
}

void StepRunner::FailUnloadable(const store::ExecutionRow& row, const Status& why) {
  store::ExecutionRow failed = row;
  MarkUnloadable(deps_.clock, failed, why);
  (void)deps_.executions.Apply({{failed}, {}, {}});
}

}  // namespace flyte::engine
