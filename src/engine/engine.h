// Front header of the engine, FlytePropeller's job: the executor (one loop thread owns every running
// execution; each step persists the new state in one transaction, and only then acts) and, through
// compiler.h and type_check.h, the workflow compiler and the type rules admin checks inputs with.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "engine/compiler.h"
#include "engine/execution_data.h"
#include "engine/type_check.h"
#include "flyteidl/core/identifier.pb.h"
#include "flyteidl/core/literals.pb.h"
#include "plugins/plugin.h"
#include "store/blob_store.h"
#include "store/cache_store.h"
#include "store/execution_store.h"
#include "store/signal_store.h"

namespace flyte::engine {

struct EngineConfig {
  std::filesystem::path logs_dir;  // attempt logs: <logs_dir>/<AttemptLogDir>/task.log
  std::string logs_base_url;       // e.g. "http://localhost:30080/logs": links in task executions
  int max_system_failures = 3;
  std::map<std::string, std::string> task_env;  // platform env for every task
  // Where tasks write raw data (FlyteFiles, dataframes), e.g. "s3://my-s3-bucket/data", when an
  // execution's raw_output_data_config names no prefix; empty: the store's own `raw` folder.
  std::string raw_data_prefix;
  std::filesystem::path buckets_dir;  // where the S3 endpoint keeps s3://bucket/key (TaskAttempt::buckets_dir)
};

// A child execution for a launch plan node. Its name is derived from the parent node, so
// launching it again after a restart finds the one already made (ALREADY_EXISTS).
struct ChildLaunch {
  store::ExecutionKey key;
  flyteidl::core::Identifier launch_plan;
  flyteidl::core::LiteralMap inputs;
  flyteidl::core::NodeExecutionIdentifier parent;
  uint32_t nesting = 0;
  std::string principal;
};
// What the engine asks of the control plane; the admin layer answers.
struct ControlPlane {
  // Launches the child execution (admin's one Launch, as for any execution); ALREADY_EXISTS if
  // it exists.
  std::function<Status(const ChildLaunch&)> launch_child;
  // A registered launch plan's interface, for the dynamic workflows that call it; NOT_FOUND if unknown.
  LaunchPlanLookup launch_plan;
};

// Builds the plugin that runs task attempts, given the callback it must report changes to.
using PluginFactory = std::function<std::unique_ptr<plugins::Plugin>(plugins::ChangeCallback)>;

struct EngineDeps {
  store::ExecutionStore& executions;
  store::BlobStore& blobs;
  store::CacheStore& cache;
  store::SignalStore& signals;
  const Clock& clock;
  PluginFactory make_plugin;
  EngineConfig config;
};

class Engine {
 public:
  virtual ~Engine() = default;
  // Takes a new execution: stores it (StoreNewExecution) and starts driving it. ALREADY_EXISTS if
  // an execution with that key exists. The storing runs on the caller's thread.
  virtual Status Submit(const NewExecution& execution) = 0;
  // Aborts a running execution; its phase goes ABORTING, then ABORTED once attempts are gone.
  virtual void Terminate(const store::ExecutionKey& key, const std::string& cause) = 0;
  // Something an execution waits on outside the engine changed (e.g. a signal was set): look again.
  virtual void Wake(const store::ExecutionKey& key) = 0;
  // Reloads every unfinished execution from the store (re-attaching to its task processes, finding
  // or creating its child executions through `control_plane`, which also knows the registered
  // launch plans), then starts the loop.
  virtual Status Start(ControlPlane control_plane) = 0;
  // Stops the loop (running processes are left alone: a restart re-attaches to them).
  virtual void Stop() = 0;
};

// The engine over `deps`; nothing runs until Start.
std::unique_ptr<Engine> MakeEngine(EngineDeps deps);

}  // namespace flyte::engine
