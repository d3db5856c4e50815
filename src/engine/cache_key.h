// The task cache key (DataCatalog's semantics): a task's outputs are reused for the same project,
// domain, task name, cache version, interface and inputs. The task version is not part of it.
// Inputs that carry `Literal.hash` count by that hash; `cache_ignore_input_vars` do not count.
#pragma once

#include <string>

#include "flyteidl/core/catalog.pb.h"
#include "flyteidl/core/literals.pb.h"
#include "flyteidl/core/tasks.pb.h"

namespace flyte::engine {

struct CacheKey {
  std::string dataset;  // "flyte_task-<task name>"
  std::string version;  // "<cache version>-<interface digest>"
  std::string tag;      // "flyte_cached-<inputs digest>"
  std::string Text(const std::string& project, const std::string& domain) const {
    return project + "/" + domain + "/" + dataset + "/" + version + "/" + tag;
  }
};

// Whether the task's outputs are cached (`cache=True`).
inline bool IsCached(const flyteidl::core::TaskTemplate& task) { return task.metadata().discoverable(); }

CacheKey CacheKeyOf(const flyteidl::core::TaskTemplate& task, const flyteidl::core::LiteralMap& inputs);

// The catalog metadata a node reports for the key (dataset id and artifact tag).
flyteidl::core::CatalogMetadata CatalogMetadataOf(const CacheKey& key, const std::string& project,
                                                  const std::string& domain);

}  // namespace flyte::engine
