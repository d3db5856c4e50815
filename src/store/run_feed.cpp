#include "store/run_feed.h"

#include <absl/container/flat_hash_set.h>

#include <algorithm>

namespace flyte::store {
namespace {

std::string TopicId(WatchTopic::Scope scope, const ActionKey& key) {
  const char kind = scope == WatchTopic::Scope::kChildren ? 'c' : scope == WatchTopic::Scope::kAction ? 'a' : 'r';
  std::string id{kind};
  for (const std::string* part : {&key.project, &key.domain, &key.run}) id += '\0' + *part;
  if (scope != WatchTopic::Scope::kRun) id += '\0' + key.name;
  return id;
}

std::string KeyId(const ActionKey& key) { return TopicId(WatchTopic::Scope::kAction, key); }

}  // namespace

struct RunFeed::Subscription::State {
  std::string topic;
  std::function<void()> wake;
  absl::Mutex mu;
  Pending pending ABSL_GUARDED_BY(mu);
  absl::flat_hash_set<std::string> named ABSL_GUARDED_BY(mu);  // KeyId of each pending action

  // Whether the subscriber must be woken (it had nothing waiting).
  bool Add(const ActionKey& key, size_t max_pending) {
    absl::MutexLock lock(&mu);
    const bool was_idle = pending.changed.empty() && !pending.overflowed;
    if (pending.overflowed || !named.insert(KeyId(key)).second) return was_idle;
    if (pending.changed.size() >= max_pending) {
      pending.changed.clear();
      named.clear();
      pending.overflowed = true;
    } else {
      pending.changed.push_back(key);
    }
    return was_idle;
  }
};

RunFeed::Subscription::~Subscription() { feed_.Unsubscribe(state_); }

RunFeed::Pending RunFeed::Subscription::Take() {
  absl::MutexLock lock(&state_->mu);
  Pending taken = std::move(state_->pending);
  state_->pending = {};
  state_->named.clear();
  return taken;
}

std::unique_ptr<RunFeed::Subscription> RunFeed::Subscribe(const WatchTopic& topic, std::function<void()> wake) {
  auto state = std::make_shared<Subscription::State>();
  state->topic = TopicId(topic.scope, topic.key);
  state->wake = std::move(wake);
  absl::MutexLock lock(&mu_);
  topics_[state->topic].push_back(state);
  ++subscribers_;
  return std::unique_ptr<Subscription>(new Subscription(*this, std::move(state)));
}

void RunFeed::Unsubscribe(const std::shared_ptr<Subscription::State>& state) {
  absl::MutexLock lock(&mu_);
  const auto topic = topics_.find(state->topic);
  if (topic == topics_.end()) return;
  auto& states = topic->second;
  states.erase(std::remove(states.begin(), states.end(), state), states.end());
  if (states.empty()) topics_.erase(topic);
  --subscribers_;
}

void RunFeed::Publish(const ActionKey& key, const std::string& parent) {
  std::vector<std::string> topics = {TopicId(WatchTopic::Scope::kAction, key), TopicId(WatchTopic::Scope::kRun, key)};
  if (!key.name.empty() && !parent.empty()) {
    topics.push_back(TopicId(WatchTopic::Scope::kChildren, {key.project, key.domain, key.run, parent}));
  }
  std::vector<std::shared_ptr<Subscription::State>> to_wake;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& id : topics) {
      const auto topic = topics_.find(id);
      if (topic == topics_.end()) continue;
      for (const auto& state : topic->second) {
        if (state->Add(key, max_pending_)) to_wake.push_back(state);
      }
    }
  }
  for (const auto& state : to_wake) {
    if (state->wake) state->wake();
  }
}

size_t RunFeed::subscribers() const {
  absl::MutexLock lock(&mu_);
  return subscribers_;
}

}  // namespace flyte::store
