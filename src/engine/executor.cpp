// Executor: the loop thread and its command queue around the StepRunner, which persists each
// step and then performs its effects. What a step does to one execution's nodes is in
// workflow_step.cpp and the node-kind files next to it.
#include "engine/engine.h"

#include <deque>
#include <thread>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>
#include <absl/time/time.h>

#include "engine/engine_metrics.h"
#include "engine/step_runner.h"

namespace flyte::engine {
namespace {

struct Command {
  enum class Kind { kSubmit, kTerminate, kAttemptChanged, kWake } kind;
  store::ExecutionKey key;
  std::string text;  // terminate cause, or attempt id
};

// Threads: any thread may call Submit, Terminate and Wake (they queue commands under mu_); the
// loop thread alone runs the StepRunner and the plugin's effects.
class Executor final : public Engine {
 public:
  explicit Executor(EngineDeps deps)
      : deps_(std::move(deps)),
        plugin_(deps_.make_plugin([this](const plugins::AttemptId& id) {
          Push({Command::Kind::kAttemptChanged, {}, id});
        })),
        runner_(deps_, *plugin_, control_plane_) {
    (void)Metrics();  // registered now, so a scrape shows them before the first execution
  }

  ~Executor() override { Stop(); }

  Status Start(ControlPlane control_plane) override {
    control_plane_ = std::move(control_plane);
    RETURN_IF_ERROR(runner_.Recover());
    plugin_->Recovered();
    thread_ = std::thread([this] { Loop(); });
    return absl::OkStatus();
  }

  Status Submit(const NewExecution& execution) override {
    RETURN_IF_ERROR(StoreNewExecution(deps_.executions, deps_.blobs, execution));
    Metrics().execution_phases.Count(execution.row.phase);
    Push({Command::Kind::kSubmit, execution.row.key, ""});
    return absl::OkStatus();
  }

  void Terminate(const store::ExecutionKey& key, const std::string& cause) override {
    Push({Command::Kind::kTerminate, key, cause});
  }

  void Wake(const store::ExecutionKey& key) override { Push({Command::Kind::kWake, key, ""}); }

  void Stop() override {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    if (thread_.joinable()) thread_.join();
    plugin_.reset();
  }

 private:
  void Push(Command command) {
    absl::MutexLock lock(&mu_);
    queue_.push_back(std::move(command));
    Metrics().queue_depth.Set(static_cast<double>(queue_.size()));
  }

  void Loop() {
    const auto terminate = [this](const store::ExecutionKey& key, const std::string& cause) { Terminate(key, cause); };
    const auto wake = [this](const store::ExecutionKey& key) { Wake(key); };
    while (true) {
      std::deque<Command> commands;
      {
        // The runner is the loop thread's alone: its pending work is read before taking the lock.
        const bool pending = runner_.HasPendingWork();
        const absl::Duration delay = absl::FromChrono(NextWakeDelay());
        absl::MutexLock lock(&mu_);
        if (!pending) mu_.AwaitWithTimeout(absl::Condition(this, &Executor::HasCommands), delay);
        if (stopping_) return;
        commands.swap(queue_);
        Metrics().queue_depth.Set(0);
      }
      for (auto& command : commands) Apply(command);
      runner_.Step(terminate, wake);
    }
  }

  bool HasCommands() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || !queue_.empty(); }

  // Sleep until the next deadline, at most a second.
  std::chrono::milliseconds NextWakeDelay() const {
    const int64_t now = deps_.clock.NowMillis();
    const int64_t next = std::min(now + 1000, runner_.NextDeadline());
    return std::chrono::milliseconds(std::max<int64_t>(1, next - now));
  }

  void Apply(const Command& command) {
    switch (command.kind) {
      case Command::Kind::kSubmit:
        return runner_.Submit(command.key);
      case Command::Kind::kTerminate:
        return runner_.Terminate(command.key, command.text);
      case Command::Kind::kWake:
        return runner_.Wake(command.key);
      case Command::Kind::kAttemptChanged:
        return runner_.AttemptChanged(command.text);
    }
  }

  EngineDeps deps_;
  ControlPlane control_plane_;
  std::unique_ptr<plugins::Plugin> plugin_;

  absl::Mutex mu_;
  std::deque<Command> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;

  StepRunner runner_;  // owned by the loop thread (and by Start before it starts it)
};

}  // namespace

std::unique_ptr<Engine> MakeEngine(EngineDeps deps) { return std::make_unique<Executor>(std::move(deps)); }

}  // namespace flyte::engine
