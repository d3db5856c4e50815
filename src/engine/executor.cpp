// Executor: the loop thread, its command queue, persistence of each step and the effects that
// follow it. What a step does to one execution's nodes is in workflow_step.cpp.
#include "engine/executor.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "engine/records.h"
#include "engine/workflow_step.h"

namespace flyte::engine {
namespace {

struct Command {
  enum class Kind { kSubmit, kTerminate, kAttemptChanged, kWake } kind;
  store::ExecutionKey key;
  std::string text;  // terminate cause, or attempt id
};

class Executor final : public Engine {
 public:
  explicit Executor(EngineDeps deps)
      : deps_(std::move(deps)), plugin_(deps_.make_plugin([this](const plugins::AttemptId& id) {
          Push({Command::Kind::kAttemptChanged, {}, id});
        })) {}

  ~Executor() override { Stop(); }

  Status Recover() {
    ASSIGN_OR_RETURN(auto rows, deps_.executions.ListActiveExecutions());
    std::vector<Effect> effects;
    for (const auto& row : rows) {
      auto run = LoadRun(context_, row, effects);
      if (!run.ok()) {
        // A run that cannot be loaded is failed rather than blocking every other one.
        FailUnloadable(row, run.status());
        continue;
      }
      runs_[row.key] = std::move(*run);
      touched_.insert(row.key);
    }
    pending_effects_ = std::move(effects);
    return absl::OkStatus();
  }

  void Start(ChildLauncher launch_child) override {
    launch_child_ = std::move(launch_child);
    thread_ = std::thread([this] { Loop(); });
  }

  void Submit(const store::ExecutionKey& key) override { Push({Command::Kind::kSubmit, key, ""}); }

  void Terminate(const store::ExecutionKey& key, const std::string& cause) override {
    Push({Command::Kind::kTerminate, key, cause});
  }

  void Wake(const store::ExecutionKey& key) override { Push({Command::Kind::kWake, key, ""}); }

  void Stop() override {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    plugin_.reset();
  }

 private:
  void Push(Command command) {
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(command));
    }
    wake_.notify_one();
  }

  void Loop() {
    while (true) {
      std::deque<Command> commands;
      {
        std::unique_lock lock(mu_);
        wake_.wait_for(lock, NextWakeDelay(),
                       [this] { return stopping_ || !queue_.empty() || !changed_attempts_.empty(); });
        if (stopping_) return;
        commands.swap(queue_);
      }
      for (auto& command : commands) Apply(command);
      Step();
    }
  }

  // Sleep until the next attempt deadline, at most a second.
  std::chrono::milliseconds NextWakeDelay() const {
    int64_t now = deps_.clock.NowMillis();
    int64_t next = now + 1000;
    for (const auto& [key, run] : runs_) next = std::min(next, NextDeadline(*run));
    return std::chrono::milliseconds(std::max<int64_t>(1, next - now));
  }

  void Apply(const Command& command) {
    switch (command.kind) {
      case Command::Kind::kSubmit: {
        auto row = deps_.executions.GetExecution(command.key);
        if (!row.ok() || runs_.contains(command.key)) return;
        std::vector<Effect> effects;
        auto run = LoadRun(context_, *row, effects);
        if (!run.ok()) {
          FailUnloadable(*row, run.status());
          return;
        }
        runs_[command.key] = std::move(*run);
        touched_.insert(command.key);
        return;
      }
      case Command::Kind::kTerminate: {
        auto it = runs_.find(command.key);
        if (it == runs_.end()) return;
        it->second->aborting = true;
        it->second->abort_cause = command.text;
        touched_.insert(command.key);
        return;
      }
      case Command::Kind::kWake: {
        auto it = runs_.find(command.key);
        if (it == runs_.end()) return;
        it->second->woken = true;
        touched_.insert(command.key);
        return;
      }
      case Command::Kind::kAttemptChanged: {
        auto owner = attempt_index_.find(command.text);
        if (owner == attempt_index_.end()) {
          (void)plugin_->Finalize(command.text);  // an attempt nobody waits for any more
          return;
        }
        auto it = runs_.find(owner->second.first);
        if (it == runs_.end()) return;
        changed_attempts_.push_back(command.text);
        touched_.insert(owner->second.first);
        return;
      }
    }
  }

  void Step() {
    std::vector<Effect> effects = std::move(pending_effects_);
    pending_effects_.clear();
    // Timeouts are checked on every wake-up.
    for (const auto& [key, run] : runs_) {
      if (NextDeadline(*run) <= deps_.clock.NowMillis()) touched_.insert(key);
    }
    for (const auto& id : changed_attempts_) HandleAttemptChange(context_, runs_, id, effects);
    changed_attempts_.clear();
    store::ExecutionWrite write;
    std::vector<store::ExecutionKey> finished;
    for (const auto& key : touched_) {
      auto it = runs_.find(key);
      if (it == runs_.end()) continue;
      ExecutionRun& run = *it->second;
      AdvanceExecution(context_, run, effects);
      CollectWrites(context_, run, write);
      if (run.row.terminal) finished.push_back(key);
    }
    touched_.clear();
    // Persist first: a crash after this line re-attaches or retries, never loses a step.
    Status persisted = deps_.executions.Apply(write);
    if (!persisted.ok()) {
      // Without durable state we must not act; the next wake-up tries again.
      for (const auto& row : write.executions) touched_.insert(row.key);
      pending_effects_ = std::move(effects);
      return;
    }
    for (const auto& key : finished) {
      // A child execution's parent node waits for it.
      const auto& metadata = runs_[key]->record.spec().metadata();
      if (metadata.has_parent_node_execution()) {
        const auto& parent = metadata.parent_node_execution().execution_id();
        Wake({parent.project(), parent.domain(), parent.name()});
      }
      runs_.erase(key);
    }
    const auto terminate = [this](const store::ExecutionKey& key, const std::string& cause) { Terminate(key, cause); };
    for (const auto& effect : effects) {
      Perform(context_, effect, terminate);
      // A start that failed at once reports through Check; look right away.
      if (effect.kind == Effect::Kind::kStart) changed_attempts_.push_back(effect.attempt.id);
    }
    if (!changed_attempts_.empty()) {
      for (const auto& id : changed_attempts_) {
        if (auto owner = attempt_index_.find(id); owner != attempt_index_.end()) touched_.insert(owner->second.first);
      }
    }
  }

  void FailUnloadable(const store::ExecutionRow& row, const Status& why) {
    store::ExecutionRow failed = row;
    MarkUnloadable(deps_.clock, failed, why);
    (void)deps_.executions.Apply({{failed}, {}, {}});
  }

  EngineDeps deps_;
  std::unique_ptr<plugins::Plugin> plugin_;
  AttemptIndex attempt_index_;
  ChildLauncher launch_child_;
  StepContext context_{deps_.executions, deps_.blobs,    *plugin_,     deps_.clock,
                       deps_.config,     attempt_index_, launch_child_};

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Command> queue_;  // guarded by mu_
  bool stopping_ = false;      // guarded by mu_
  std::thread thread_;

  // Owned by the loop thread (and by Recover before it starts).
  std::map<store::ExecutionKey, std::unique_ptr<ExecutionRun>> runs_;
  std::set<store::ExecutionKey> touched_;
  std::vector<plugins::AttemptId> changed_attempts_;
  std::vector<Effect> pending_effects_;
};

}  // namespace

StatusOr<std::unique_ptr<Engine>> LoadEngine(EngineDeps deps) {
  auto executor = std::make_unique<Executor>(std::move(deps));
  RETURN_IF_ERROR(executor->Recover());
  return std::unique_ptr<Engine>(std::move(executor));
}

}  // namespace flyte::engine
