// Flyte 2's executor: runs every QUEUED action of the run store (a run's root `a0`, children
// enqueued by their parent) through the plugin layer, one loop thread around the ActionRunner
// (action_runner.h: what each step commits before it acts). The admin layer calls Enqueue after
// it commits a queued action, Abort for AbortRun/AbortAction and Signaled once it committed a
// condition's signal; all return at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "engine/engine.h"
#include "engine/v2/action_attempt.h"
#include "store/blob_store.h"
#include "store/cache_store.h"
#include "store/run_store.h"

namespace flyte::engine::v2 {

struct ActionExecutorDeps {
  store::RunStore& runs;
  store::BlobStore& blobs;
  store::CacheStore& cache;
  const Clock& clock;
  PluginFactory make_plugin;  // a view of the plugin the v1 engine uses too (plugins/shared_plugin.h)
  ActionAttemptConfig attempts;
  int max_system_failures = 3;
};

class ActionExecutor {
 public:
  virtual ~ActionExecutor() = default;
  // Takes up the unfinished actions (ActionRunner::Recover), then starts the loop.
  virtual Status Start() = 0;
  // Stops the loop; running attempts are left alone (a restart re-attaches to them).
  virtual void Stop() = 0;
  // A QUEUED action was committed: run it.
  virtual void Enqueue(const store::ActionKey& key) = 0;
  // Aborts the action and its unfinished descendants (see ActionRunner::Abort).
  virtual void Abort(const store::ActionKey& key, const std::string& reason) = 0;
  // A waiting condition's signal was committed (SUCCEEDED): it waits no more.
  virtual void Signaled(const store::ActionKey& key) = 0;
  // Where the attempt's plugin writes its log (it may not exist yet): what the admin layer's
  // TailLogs follows, since admin does not see the plugins.
  virtual std::filesystem::path AttemptLog(const store::ActionKey& key, int64_t attempt) const = 0;
};

std::unique_ptr<ActionExecutor> MakeActionExecutor(ActionExecutorDeps deps);

}  // namespace flyte::engine::v2
