// The loop thread and its command queue around the ActionRunner (as executor.cpp is for v1).
#include "engine/v2/action_executor.h"

#include <algorithm>
#include <deque>
#include <thread>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>
#include <absl/time/time.h>

#include "engine/v2/action_metrics.h"
#include "engine/v2/action_runner.h"

namespace flyte::engine::v2 {
namespace {

struct Command {
  enum class Kind { kEnqueue, kAbort, kSignaled, kAttemptChanged } kind;
  store::ActionKey key;
  std::string text;  // abort reason, or attempt id
};

// Threads: any thread may call Enqueue and Abort (they queue commands under mu_); the loop thread
// alone runs the ActionRunner and the plugin's effects.
class Executor final : public ActionExecutor {
 public:
  explicit Executor(ActionExecutorDeps deps)
      : deps_(std::move(deps)),
        plugin_(deps_.make_plugin([this](const plugins::AttemptId& id) {
          Push({Command::Kind::kAttemptChanged, {}, id});
        })),
        runner_(
            {deps_.runs, deps_.blobs, deps_.cache, *plugin_, deps_.clock, deps_.attempts, deps_.max_system_failures}) {}

  ~Executor() override { Stop(); }

  Status Start() override {
    (void)ActionMetrics();  // registered now, so a scrape shows them before the first run
    RETURN_IF_ERROR(runner_.Recover());
    thread_ = std::thread([this] { Loop(); });
    return absl::OkStatus();
  }

  void Stop() override {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    if (thread_.joinable()) thread_.join();
    plugin_.reset();
  }

  void Enqueue(const store::ActionKey& key) override { Push({Command::Kind::kEnqueue, key, ""}); }
  void Abort(const store::ActionKey& key, const std::string& reason) override {
    Push({Command::Kind::kAbort, key, reason});
  }
  void Signaled(const store::ActionKey& key) override { Push({Command::Kind::kSignaled, key, ""}); }
  std::filesystem::path AttemptLog(const store::ActionKey& key, int64_t attempt) const override {
    return AttemptLogFile(deps_.attempts.logs_dir, key, attempt);
  }

 private:
  void Push(Command command) {
    absl::MutexLock lock(&mu_);
    queue_.push_back(std::move(command));
  }

  void Loop() {
    while (true) {
      std::deque<Command> commands;
      {
        const bool pending = runner_.HasPendingWork();
        const int64_t now = deps_.clock.NowMillis();
        // Attempts are looked at once a second at least (and at once when their plugin says so).
        const int64_t next = std::min(now + 1000, runner_.NextDeadline());
        const absl::Duration delay = absl::Milliseconds(std::max<int64_t>(1, next - now));
        absl::MutexLock lock(&mu_);
        if (!pending) mu_.AwaitWithTimeout(absl::Condition(this, &Executor::HasCommands), delay);
        if (stopping_) return;
        commands.swap(queue_);
      }
      for (const auto& command : commands) Apply(command);
      runner_.Step();
    }
  }

  bool HasCommands() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || !queue_.empty(); }

  void Apply(const Command& command) {
    switch (command.kind) {
      case Command::Kind::kEnqueue:
        return runner_.Enqueue(command.key);
      case Command::Kind::kAbort:
        return runner_.Abort(command.key, command.text);
      case Command::Kind::kSignaled:
        return runner_.Signaled(command.key);
      case Command::Kind::kAttemptChanged:
        return runner_.AttemptChanged(command.text);
    }
  }

  ActionExecutorDeps deps_;
  std::unique_ptr<plugins::Plugin> plugin_;

  absl::Mutex mu_;
  std::deque<Command> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;

  ActionRunner runner_;  // owned by the loop thread (and by Start before it starts it)
};

}  // namespace

std::unique_ptr<ActionExecutor> MakeActionExecutor(ActionExecutorDeps deps) {
  return std::make_unique<Executor>(std::move(deps));
}

}  // namespace flyte::engine::v2
