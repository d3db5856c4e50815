// Executor: the loop thread and its command queue around the StepRunner, which persists each
// step and then performs its effects. What a step does to one execution's nodes is in
// workflow_step.cpp and the node-kind files next to it.
#include "engine/engine.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "engine/step_runner.h"

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
      : deps_(std::move(deps)),
        plugin_(deps_.make_plugin([this](const plugins::AttemptId& id) {
          Push({Command::Kind::kAttemptChanged, {}, id});
        })),
        runner_(deps_, *plugin_, control_plane_) {}

  ~Executor() override { Stop(); }

  Status Start(ControlPlane control_plane) override {
    control_plane_ = std::move(control_plane);
    RETURN_IF_ERROR(runner_.Recover());
    thread_ = std::thread([this] { Loop(); });
    return absl::OkStatus();
  }

  Status Submit(const NewExecution& execution) override {
    RETURN_IF_ERROR(StoreNewExecution(deps_.executions, deps_.blobs, execution));
    Push({Command::Kind::kSubmit, execution.row.key, ""});
    return absl::OkStatus();
  }

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
    const auto terminate = [this](const store::ExecutionKey& key, const std::string& cause) { Terminate(key, cause); };
    const auto wake = [this](const store::ExecutionKey& key) { Wake(key); };
    while (true) {
      std::deque<Command> commands;
      {
        std::unique_lock lock(mu_);
        wake_.wait_for(lock, NextWakeDelay(),
                       [this] { return stopping_ || !queue_.empty() || runner_.HasPendingWork(); });
        if (stopping_) return;
        commands.swap(queue_);
      }
      for (auto& command : commands) Apply(command);
      runner_.Step(terminate, wake);
    }
  }

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

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Command> queue_;  // guarded by mu_
  bool stopping_ = false;      // guarded by mu_
  std::thread thread_;

  StepRunner runner_;  // owned by the loop thread (and by Start before it starts it)
};

}  // namespace

std::unique_ptr<Engine> MakeEngine(EngineDeps deps) { return std::make_unique<Executor>(std::move(deps)); }

}  // namespace flyte::engine
