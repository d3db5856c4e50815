// The registry's schema history: numbered SQL files applied in order at start-up.
#pragma once

#include <string_view>
#include <vector>

namespace flyte::store {

struct Migration {
  std::string_view name;  // file name without extension, e.g. "0001_registry"
  std::string_view sql;
};

// Every migration, oldest first. Migration i brings the schema to PRAGMA user_version i+1.
const std::vector<Migration>& Migrations();

}  // namespace flyte::store
