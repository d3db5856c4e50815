// Front header of the store: the registry and execution records (SQLite) and the object store (a folder).
#pragma once

#include <filesystem>
#include <memory>

#include "store/blob_store.h"
#include "store/execution_store.h"
#include "store/registry.h"

namespace flyte::store {

// The registry and the execution store, sharing one SQLite connection (one writer).
struct SqliteStores {
  std::unique_ptr<Registry> registry;
  std::unique_ptr<ExecutionStore> executions;
};

// Opens (creating and migrating) the database at `file`.
StatusOr<SqliteStores> OpenSqliteStores(const std::filesystem::path& file);

}  // namespace flyte::store
