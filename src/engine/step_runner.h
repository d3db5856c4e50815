// The executor's state machine without its thread: every running execution, the commands that
// change them and the step that advances what they touched, persists it in one transaction and
// then acts. The executor's loop feeds it; tests drive it directly, step by step, with a fake
// plugin and a fake clock.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <vector>

#include "engine/engine.h"
#include "engine/workflow_step.h"

namespace flyte::engine {

class StepRunner {
 public:
  // `plugin` and `control_plane` must outlive the runner.
  StepRunner(EngineDeps& deps, plugins::Plugin& plugin, const ControlPlane& control_plane);

  // Reloads every unfinished execution from the store (before the first step).
  Status Recover();

  void Submit(const store::ExecutionKey& key);
  void Terminate(const store::ExecutionKey& key, const std::string& cause);
  void Wake(const store::ExecutionKey& key);
  void AttemptChanged(const plugins::AttemptId& id);

  // Advances everything touched since the last step; `terminate` aborts another execution
  // (a child of an aborted launch plan node) and `wake` tells a parent its child finished.
  void Step(const std::function<void(const store::ExecutionKey&, const std::string&)>& terminate,
            const std::function<void(const store::ExecutionKey&)>& wake);

  // Whether a step has work already (an attempt that changed while acting).
  bool HasPendingWork() const { return !changed_attempts_.empty(); }
  // Unix ms of the earliest deadline (attempt timeout, gate wake-up, cache re-check); INT64_MAX if none.
  int64_t NextDeadline() const;
  bool IsRunning(const store::ExecutionKey& key) const { return runs_.contains(key); }

 private:
  void FailUnloadable(const store::ExecutionRow& row, const Status& why);
  void Load(const store::ExecutionRow& row, std::vector<Effect>& effects);

  EngineDeps& deps_;
  plugins::Plugin& plugin_;
  AttemptIndex attempt_index_;
  StepContext context_;
  std::map<store::ExecutionKey, std::unique_ptr<ExecutionRun>> runs_;
  std::set<store::ExecutionKey> touched_;
  std::vector<plugins::AttemptId> changed_attempts_;
  std::vector<Effect> pending_effects_;
};

}  // namespace flyte::engine
