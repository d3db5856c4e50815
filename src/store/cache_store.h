// The task cache (DataCatalog's job): outputs of cached tasks by cache key, and the reservations
// that let only one of several concurrent `cache_serializable` runs compute a value.
#pragma once

#include <optional>
#include <string>

#include "common/status.h"

namespace flyte::store {

// Flyte 1's entries keep a LiteralMap and a TaskExecutionIdentifier; Flyte 2's (keys starting
// "flyte2/", engine/v2/action_cache.h) an outputs.pb and a flyteidl2.common.ActionIdentifier.
struct CacheEntry {
  std::string outputs;  // serialized flyteidl.core.LiteralMap
  std::string source;   // serialized flyteidl.core.TaskExecutionIdentifier of the run that computed it
  int64_t created_at = 0;
};

class CacheStore {
 public:
  virtual ~CacheStore() = default;
  virtual StatusOr<std::optional<CacheEntry>> Get(const std::string& key) = 0;
  // Stores (or replaces, for overwrite_cache) the entry and drops the key's reservation.
  virtual Status Put(const std::string& key, const CacheEntry& entry) = 0;
  // True when `owner` holds the key's reservation afterwards: it was free, expired, or already
  // `owner`'s. The reservation lasts until `expires_at` (unix ms) unless renewed or released.
  virtual StatusOr<bool> Reserve(const std::string& key, const std::string& owner, int64_t now, int64_t expires_at) = 0;
  // Drops `owner`'s reservation of the key (a failed run: the next one computes).
  virtual Status Release(const std::string& key, const std::string& owner) = 0;
};

}  // namespace flyte::store
