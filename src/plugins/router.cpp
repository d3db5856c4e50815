#include "plugins/router.h"

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include <chrono>
#include <unordered_map>
#include <utility>

#include "common/metrics.h"

namespace flyte::plugins {
namespace {

// What the router knows once the config is checked: which plugin kind serves each listed task
// type, which one serves the rest (none: null), and what to say about a type nobody runs.
struct Routes {
  std::map<std::string, PluginKind> kinds;          // the configured plugins, by name
  std::map<std::string, std::string> by_task_type;  // task type → plugin name
  std::string fallback;                             // plugin for unlisted types; empty: none
  std::string available;                            // PluginRegistry::Describe()
};

// Threads: the engine's loop thread calls the Plugin methods (mu_ guards the maps all the same);
// the routed plugins call the change callback from their own threads, straight to the engine.
class TaskTypeRouter final : public Plugin {
 public:
  TaskTypeRouter(const Routes& routes, ChangeCallback on_change) : routes_(routes), on_change_(on_change) {
    auto& start_seconds = metrics::Default().AddHistogram(
        "flyte_plugin_start_duration_seconds",
        "Time a plugin takes to start a task attempt (the call, not the task: a local process is spawned or handed "
        "to a waiting Python worker).",
        {"plugin"}, metrics::LatencyBuckets());
    for (const auto& [name, kind] : routes_.kinds) {
      plugins_.emplace(name, kind.make(on_change));
      start_seconds_.emplace(plugins_.at(name).get(), &start_seconds.With({name}));
      names_.emplace(plugins_.at(name).get(), name);
    }
  }

  Status Start(const TaskAttempt& attempt) override {
    StatusOr<Plugin*> plugin = PluginFor(attempt.task.type());
    if (!plugin.ok()) {
      AttemptStatus failed;
      failed.phase = AttemptPhase::kFailedToStart;
      failed.message = std::string(plugin.status().message());
      {
        absl::MutexLock lock(&mu_);
        unroutable_.insert_or_assign(attempt.id, std::move(failed));
      }
      if (on_change_) on_change_(attempt.id);  // the engine learns it like any other change
      return absl::OkStatus();
    }
    {
      absl::MutexLock lock(&mu_);
      owners_.insert_or_assign(attempt.id, *plugin);
    }
    const auto started = std::chrono::steady_clock::now();
    Status status = (*plugin)->Start(attempt);
    start_seconds_.at(*plugin)->ObserveSince(started);
    return status;
  }

  StatusOr<AttemptStatus> Check(const AttemptId& id) override {
    {
      absl::MutexLock lock(&mu_);
      if (const auto failed = unroutable_.find(id); failed != unroutable_.end()) return failed->second;
    }
    Plugin* owner = OwnerOf(id);
    if (owner == nullptr) return absl::NotFoundError("no task attempt " + id);
    StatusOr<AttemptStatus> status = owner->Check(id);
    if (status.ok()) status->plugin = names_.at(owner);
    return status;
  }

  Status Abort(const AttemptId& id) override {
    Plugin* owner = OwnerOf(id);
    return owner == nullptr ? absl::OkStatus() : owner->Abort(id);  // unknown or never started: nothing to stop
  }

  Status Finalize(const AttemptId& id) override {
    Plugin* owner = OwnerOf(id);
    const Status finalized = owner == nullptr ? absl::OkStatus() : owner->Finalize(id);
    absl::MutexLock lock(&mu_);
    owners_.erase(id);
    unroutable_.erase(id);
    return finalized;
  }

  StatusOr<Recovery> Recover(const TaskAttempt& attempt) override {
    StatusOr<Plugin*> plugin = PluginFor(attempt.task.type());
    if (!plugin.ok()) return Recovery{};  // no plugin could have started it: Start says why
    StatusOr<Recovery> recovered = (*plugin)->Recover(attempt);
    if (recovered.ok() && recovered->state == Recovery::State::kRunning) {
      absl::MutexLock lock(&mu_);
      owners_.insert_or_assign(attempt.id, *plugin);
    }
    return recovered;
  }

  void Recovered() override {
    for (auto& [name, plugin] : plugins_) plugin->Recovered();
  }

 private:
  StatusOr<Plugin*> PluginFor(const std::string& task_type) const {
    const auto listed = routes_.by_task_type.find(task_type);
    const std::string& name = listed != routes_.by_task_type.end() ? listed->second : routes_.fallback;
    const std::string type = "\"" + task_type + "\"";
    if (name.empty()) {
      return absl::FailedPreconditionError("no plugin runs task type " + type + ": tasks.plugins has no entry for it " +
                                           "and no default (plugins available: " + routes_.available + ")");
    }
    if (!routes_.kinds.at(name).Runs(task_type)) {
      return absl::FailedPreconditionError("no plugin runs task type " + type + ": the default plugin \"" + name +
                                           "\" does not (plugins available: " + routes_.available + ")");
    }
    return plugins_.at(name).get();
  }

  Plugin* OwnerOf(const AttemptId& id) {
    absl::MutexLock lock(&mu_);
    const auto found = owners_.find(id);
    return found == owners_.end() ? nullptr : found->second;
  }

  const Routes routes_;
  const ChangeCallback on_change_;
  std::map<std::string, std::unique_ptr<Plugin>> plugins_;      // by name; made once, never changed
  std::map<const Plugin*, metrics::Histogram*> start_seconds_;  // of each of plugins_; never changed
  std::map<const Plugin*, std::string> names_;                  // of each of plugins_; never changed

  absl::Mutex mu_;
  std::unordered_map<AttemptId, Plugin*> owners_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<AttemptId, AttemptStatus> unroutable_ ABSL_GUARDED_BY(mu_);  // failed to start here
};

Status InvalidEntry(const std::string& task_type, const std::string& what) {
  return absl::InvalidArgumentError("tasks.plugins: " + task_type + ": " + what);
}

}  // namespace

StatusOr<PluginFactory> RoutingPluginFactory(const PluginRegistry& registry, const PluginsConfig& config) {
  Routes routes;
  routes.available = registry.Describe();
  for (const auto& [task_type, name] : config.plugin_for) {
    const bool is_default = task_type == kDefaultPlugin;
    if (is_default && name.empty()) continue;  // no default: unlisted task types fail
    const PluginKind* kind = registry.Find(name);
    if (kind == nullptr) {
      return InvalidEntry(task_type, "no plugin named \"" + name + "\" (plugins available: " + routes.available + ")");
    }
    if (!is_default && !kind->Runs(task_type)) {
      return InvalidEntry(task_type, "the plugin \"" + name + "\" does not run this task type (plugins available: " +
                                         routes.available + ")");
    }
    routes.kinds.emplace(name, *kind);
    (is_default ? routes.fallback : routes.by_task_type[task_type]) = name;
  }
  return PluginFactory([routes = std::move(routes)](ChangeCallback on_change) -> std::unique_ptr<Plugin> {
    return std::make_unique<TaskTypeRouter>(routes, std::move(on_change));
  });
}

}  // namespace flyte::plugins
