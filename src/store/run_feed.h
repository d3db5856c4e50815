// Who is told of committed changes to Flyte 2 actions: the in-process counterpart of the
// open-source runs service's Postgres LISTEN/NOTIFY. The run store publishes every action it
// writes (created, phase changed, attempt added, abort requested) once the write is committed;
// watchers subscribe to the direct children of one action, to one action, or to every action of a
// run. A notice names the action only: the watcher reads its state back from the store, so
// notices of one action coalesce and a watcher never sees a state older than the one notified.
// Subscribe before reading what is already there: a change committed in between is then both
// read and notified (at-least-once), never lost.
// Thread-safe; the feed must outlive its subscriptions.
#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/container/flat_hash_map.h>
#include <absl/synchronization/mutex.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/run_store.h"

namespace flyte::store {

// What a watcher follows. kChildren: the actions whose parent is `key` (only direct children);
// kAction: `key` itself; kRun: every action of `key`'s run (key.name unused).
struct WatchTopic {
  enum class Scope { kChildren, kAction, kRun };
  Scope scope = Scope::kAction;
  ActionKey key;
};

class RunFeed {
 public:
  // The notices one subscriber has not taken yet, each action once.
  struct Pending {
    std::vector<ActionKey> changed;  // in the order each first changed
    // More actions changed than the subscriber may hold: the notices were dropped, so the watcher
    // reads again everything it follows (what at-least-once allows, with bounded memory).
    bool overflowed = false;
  };

  class Subscription {
   public:
    ~Subscription();  // unsubscribes
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    Pending Take();

   private:
    friend class RunFeed;
    struct State;
    Subscription(RunFeed& feed, std::shared_ptr<State> state) : feed_(feed), state_(std::move(state)) {}
    RunFeed& feed_;
    std::shared_ptr<State> state_;
  };

  // `max_pending`: how many distinct actions a subscriber's notices may name before they overflow.
  explicit RunFeed(size_t max_pending = 1024) : max_pending_(max_pending) {}

  // `wake` is called when notices arrive for a subscription that had none waiting, on the
  // publishing thread and outside the feed's lock: it must be cheap (post work elsewhere) and
  // safe to call while, or just after, the subscription goes.
  std::unique_ptr<Subscription> Subscribe(const WatchTopic& topic, std::function<void()> wake);
  // Tells every subscriber of the action, of its run, and of its parent's children (the root
  // action, `parent` empty, has no parent).
  void Publish(const ActionKey& key, const std::string& parent);

  size_t subscribers() const;

 private:
  void Unsubscribe(const std::shared_ptr<Subscription::State>& state);

  const size_t max_pending_;
  mutable absl::Mutex mu_;
  // By topic (TopicId); a topic's entry goes when its last subscriber does.
  absl::flat_hash_map<std::string, std::vector<std::shared_ptr<Subscription::State>>> topics_ ABSL_GUARDED_BY(mu_);
  size_t subscribers_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace flyte::store
