// The task cache around task nodes (propeller's catalog step): a cached task's node first looks
// its key up (a hit finishes it as CACHE_HIT, with no attempt), a success stores the outputs
// (CACHE_POPULATED), failures are never stored. `cache_serializable` tasks take a reservation
// first, so that of several concurrent runs only one computes while the others wait for its value.
#include "engine/cached_task.h"

#include "engine/cache_key.h"
#include "engine/run_graph.h"

namespace flyte::engine {
namespace {

// How long a reservation lasts without its holder finishing (a holder that vanished).
constexpr int64_t kReservationMillis = 60 * 60 * 1000;
// How often a run waiting for another's reservation looks again (the holder may be another execution).
constexpr int64_t kReservationPollMillis = 100;

std::string OwnerOf(const ExecutionRun& run, const NodeRun& node) {
  return run.key.project + "/" + run.key.domain + "/" + run.key.name + "/" + node.id;
}

const flyteidl::core::TaskTemplate* CachedTaskOf(const ExecutionRun& run, const NodeRun& node) {
  if (!node.spec->has_task_node()) return nullptr;
  const auto* task = FindTask(run, node.spec->task_node().reference_id());
  return task != nullptr && IsCached(*task) ? task : nullptr;
}

// The node's cache key as stored; computed from its stored inputs (once, also after a restart).
std::string KeyOf(const StepContext& context, const ExecutionRun& run, NodeRun& node,
                  const flyteidl::core::TaskTemplate& task) {
  if (!node.cache_key) {
    node.cache_key = CacheKeyOf(task, StoredInputs(context, run, node));
  }
  return node.cache_key->Text(run.key.project, run.key.domain);
}

}  // namespace

bool WaitForCache(const StepContext& context, ExecutionRun& run, NodeRun& node) {
  const auto* task = CachedTaskOf(run, node);
  if (task == nullptr) return false;
  const int64_t now = context.clock.NowMillis();
  const std::string key = KeyOf(context, run, node, *task);
  run.cache_waiters.erase(node.id);
  if (!run.record.spec().overwrite_cache()) {
    auto entry = context.cache.Get(key);
    if (entry.ok() && entry->has_value()) {
      flyteidl::core::LiteralMap outputs;
      (void)outputs.ParseFromString((*entry)->outputs);
      (void)node.cache_source.ParseFromString((*entry)->source);
      node.cache_status = flyteidl::core::CACHE_HIT;
      SucceedWithOutputs(context, run, node, std::move(outputs), now);
      return true;
    }
    node.cache_status = flyteidl::core::CACHE_MISS;
  }
  if (task->metadata().cache_serializable()) {
    auto reserved = context.cache.Reserve(key, OwnerOf(run, node), now, now + kReservationMillis);
    if (reserved.ok() && !*reserved) {
      // Another run computes this value: look again shortly.
      run.cache_waiters[node.id] = now + kReservationPollMillis;
      Touch(run, node, now);
      return true;
    }
  }
  return false;
}

void PopulateCache(const StepContext& context, ExecutionRun& run, NodeRun& node, int attempt) {
  const auto* task = CachedTaskOf(run, node);
  if (task == nullptr || !node.outputs) return;
  store::CacheEntry entry;
  entry.outputs = node.outputs->SerializeAsString();
  entry.source = node.task_records[attempt].id().SerializeAsString();
  entry.created_at = context.clock.NowMillis();
  if (context.cache.Put(KeyOf(context, run, node, *task), entry).ok()) {
    node.cache_status = flyteidl::core::CACHE_POPULATED;
    node.cache_source = node.task_records[attempt].id();
  } else {
    node.cache_status = flyteidl::core::CACHE_PUT_FAILURE;
  }
}

void ReleaseCache(const StepContext& context, ExecutionRun& run, NodeRun& node) {
  const auto* task = CachedTaskOf(run, node);
  run.cache_waiters.erase(node.id);
  if (task == nullptr || !task->metadata().cache_serializable()) return;
  (void)context.cache.Release(KeyOf(context, run, node, *task), OwnerOf(run, node));
}

void WakeCacheWaiters(const StepContext& context, ExecutionRun& run) {
  const int64_t now = context.clock.NowMillis();
  for (const auto& [id, when] : run.cache_waiters) {
    if (now >= when) MarkForLook(run, run.nodes.at(id));
  }
}

}  // namespace flyte::engine
