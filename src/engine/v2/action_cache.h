// Flyte 2's use of the task cache (the store's CacheStore, which Flyte 1's cached tasks share
// under keys of their own): an action of a cacheable task has a cache key (the SDK computes a
// child's; admin computes a run's with RunCacheKey). Once the action succeeds its outputs.pb is
// kept under that key, scoped as the run's cache_config says; a later action with the same key is
// answered by copying it into its own output folder instead of running.
#pragma once

#include <cstdint>
#include <string>

#include <flyteidl2/task/run.pb.h>
#include <flyteidl2/task/task_definition.pb.h>

#include "common/status.h"
#include "store/blob_store.h"
#include "store/cache_store.h"
#include "store/run_store.h"

namespace flyte::engine::v2 {

// The cache key of a run's root action, "" when its task is not cacheable: over the inputs (by
// their content hash, as UploadInputs names them), the task's name, interface and cache version,
// as the SDK keys a child.
std::string RunCacheKey(const flyteidl2::task::TaskSpec& task, const std::string& inputs_hash);

// Where an action's outputs are kept in the CacheStore: its cache key, within the action's project
// and domain when the run's cache_config says CACHE_LOOKUP_SCOPE_PROJECT_DOMAIN.
std::string CacheEntryKey(const store::ActionKey& action, const std::string& cache_key,
                          const flyteidl2::task::RunSpec& run_spec);

// Copies the outputs kept under `entry_key` into `folder` (a key of the blob store): true on a
// hit, false when nothing is kept.
StatusOr<bool> CopyCachedOutputs(store::CacheStore& cache, store::BlobStore& blobs, const std::string& entry_key,
                                 const std::string& folder);

// Keeps the outputs.pb of `folder` under `entry_key` (replacing what was there: overwrite_cache).
Status KeepOutputs(store::CacheStore& cache, store::BlobStore& blobs, const std::string& entry_key,
                   const std::string& folder, const store::ActionKey& source, int64_t now);

}  // namespace flyte::engine::v2
