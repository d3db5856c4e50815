// The executor: FlytePropeller's job. One loop thread owns every running execution; inputs are
// commands (submit, terminate), plugin change notices and timers. Each step computes the new
// state, persists it in one transaction, and only then acts (starts or aborts attempts).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "plugins/plugin.h"
#include "store/blob_store.h"
#include "store/execution_store.h"

namespace flyte::engine {

struct EngineConfig {
  std::filesystem::path logs_dir;  // attempt logs: <logs_dir>/<AttemptLogDir>/task.log
  std::string logs_base_url;       // e.g. "http://localhost:30080/logs": links in task executions
  int max_system_failures = 3;
  std::map<std::string, std::string> task_env;  // platform env for every task
};

// Builds the plugin that runs task attempts, given the callback it must report changes to.
using PluginFactory = std::function<std::unique_ptr<plugins::Plugin>(plugins::ChangeCallback)>;

struct EngineDeps {
  store::ExecutionStore& executions;
  store::BlobStore& blobs;
  const Clock& clock;
  PluginFactory make_plugin;
  EngineConfig config;
};

class Engine {
 public:
  virtual ~Engine() = default;
  // Starts driving an execution whose row (QUEUED), inputs and closure are already stored.
  virtual void Submit(const store::ExecutionKey& key) = 0;
  // Aborts a running execution; its phase goes ABORTING, then ABORTED once attempts are gone.
  virtual void Terminate(const store::ExecutionKey& key, const std::string& cause) = 0;
  // Something an execution waits on outside the engine changed (e.g. a signal was set): look again.
  virtual void Wake(const store::ExecutionKey& key) = 0;
  // Stops the loop (running processes are left alone: a restart re-attaches to them).
  virtual void Stop() = 0;
};

// Starts the loop thread after reloading every unfinished execution from the store.
StatusOr<std::unique_ptr<Engine>> StartEngine(EngineDeps deps);

}  // namespace flyte::engine
