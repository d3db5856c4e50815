// Front header of the store: the registry, execution records and signals (SQLite) and the object
// store (a folder).
#pragma once

#include <filesystem>
#include <memory>

#include "common/clock.h"
#include "store/blob_store.h"
#include "store/execution_store.h"
#include "store/registry.h"
#include "store/signal_store.h"

namespace flyte::store {

// The registry, the execution store and the signal store, sharing one SQLite connection (one writer).
struct SqliteStores {
  std::unique_ptr<Registry> registry;
  std::unique_ptr<ExecutionStore> executions;
  std::unique_ptr<SignalStore> signals;
};

// Opens (creating and migrating) the database at `file`. `clock` stamps the signals' times.
StatusOr<SqliteStores> OpenSqliteStores(const std::filesystem::path& file, const Clock& clock = SystemClock());

}  // namespace flyte::store
