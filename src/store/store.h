// Front header of the store: the registry, execution records, signals, the task cache, Flyte 2's runs and deployed
// tasks (SQLite) and the object store (a folder).
#pragma once

#include <filesystem>
#include <memory>

#include "common/clock.h"
#include "store/blob_store.h"
#include "store/cache_store.h"
#include "store/deployed_task_store.h"
#include "store/execution_store.h"
#include "store/registry.h"
#include "store/run_store.h"
#include "store/signal_store.h"

namespace flyte::store {

// The registry, the execution store, the signal store, the task cache and Flyte 2's runs and deployed tasks,
// sharing one SQLite connection (one writer).
struct SqliteStores {
  std::unique_ptr<Registry> registry;
  std::unique_ptr<ExecutionStore> executions;
  std::unique_ptr<SignalStore> signals;
  std::unique_ptr<CacheStore> cache;
  std::unique_ptr<RunStore> runs;            // Flyte 2
  std::unique_ptr<DeployedTaskStore> tasks;  // Flyte 2
};

// Opens (creating and migrating) the database at `file`. `clock` stamps the signals' times.
StatusOr<SqliteStores> OpenSqliteStores(const std::filesystem::path& file, const Clock& clock = SystemClock());

}  // namespace flyte::store
