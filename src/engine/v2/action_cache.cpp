#include "engine/v2/action_cache.h"

#include <flyteidl2/common/identifier.pb.h>

#include "common/digest.h"
#include "engine/v2/layout.h"

namespace flyte::engine::v2 {

std::string RunCacheKey(const flyteidl2::task::TaskSpec& task, const std::string& inputs_hash) {
  const auto& task_template = task.task_template();
  if (!task_template.metadata().discoverable()) return "";
  // Length-prefixed parts: no two different tuples give the same bytes.
  std::string parts;
  for (const std::string& part : {inputs_hash, task_template.id().name(), DeterministicBytes(task_template.interface()),
                                  task_template.metadata().discovery_version()}) {
    parts += std::to_string(part.size()) + ":" + part;
  }
  return HexEncode(Sha256(parts));
}

std::string CacheEntryKey(const store::ActionKey& action, const std::string& cache_key,
                          const flyteidl2::task::RunSpec& run_spec) {
  if (run_spec.cache_config().cache_lookup_scope() == flyteidl2::task::CACHE_LOOKUP_SCOPE_PROJECT_DOMAIN) {
    return "flyte2/" + action.project + "/" + action.domain + "/" + cache_key;
  }
  return "flyte2/" + cache_key;
}

StatusOr<bool> CopyCachedOutputs(store::CacheStore& cache, store::BlobStore& blobs, const std::string& entry_key,
                                 const std::string& folder) {
  ASSIGN_OR_RETURN(const std::optional<store::CacheEntry> entry, cache.Get(entry_key));
  if (!entry) return false;
  RETURN_IF_ERROR(blobs.Put(folder + "/" + kV2OutputsFile, entry->outputs));
  return true;
}

Status KeepOutputs(store::CacheStore& cache, store::BlobStore& blobs, const std::string& entry_key,
                   const std::string& folder, const store::ActionKey& source, int64_t now) {
  ASSIGN_OR_RETURN(std::string outputs, blobs.Get(folder + "/" + kV2OutputsFile));
  flyteidl2::common::ActionIdentifier id;
  id.mutable_run()->set_project(source.project);
  id.mutable_run()->set_domain(source.domain);
  id.mutable_run()->set_name(source.run);
  id.set_name(source.name);
  return cache.Put(entry_key, {.outputs = std::move(outputs), .source = id.SerializeAsString(), .created_at = now});
}

}  // namespace flyte::engine::v2
