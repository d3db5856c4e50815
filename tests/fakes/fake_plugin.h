// A Plugin whose attempts finish when the test says so: it records what was started, aborted and
// recovered (and how often it heard Recovered()), and a finished attempt's outputs or error
// document are what the test wrote. After a restart, Recover answers what the test put in
// `recoveries` (by attempt id), else kNeverStarted.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "plugins/plugin.h"

namespace flyte::testing {

class FakePlugin final : public plugins::Plugin {
 public:
  explicit FakePlugin(plugins::ChangeCallback on_change) : on_change_(std::move(on_change)) {}

  Status Start(const plugins::TaskAttempt& attempt) override {
    started.push_back(attempt);
    status_[attempt.id].phase = plugins::AttemptPhase::kRunning;
    status_[attempt.id].pid = 1000 + static_cast<int64_t>(started.size());
    return absl::OkStatus();
  }
  StatusOr<plugins::AttemptStatus> Check(const plugins::AttemptId& id) override {
    auto found = status_.find(id);
    if (found == status_.end()) return absl::NotFoundError(id);
    return found->second;
  }
  Status Abort(const plugins::AttemptId& id) override {
    aborted.push_back(id);
    status_[id].phase = plugins::AttemptPhase::kAborted;
    return absl::OkStatus();
  }
  Status Finalize(const plugins::AttemptId& id) override {
    status_.erase(id);
    return absl::OkStatus();
  }
  StatusOr<plugins::Recovery> Recover(const plugins::TaskAttempt& attempt) override {
    recovered.push_back(attempt);
    const auto found = recoveries.find(attempt.id);
    if (found == recoveries.end()) return plugins::Recovery{};
    if (found->second.state == plugins::Recovery::State::kRunning) {
      status_[attempt.id].phase = plugins::AttemptPhase::kRunning;  // watched from now on
    }
    return found->second;
  }
  void Recovered() override { ++sweeps; }

  // The attempt's process exited with `code` (its files are whatever the test wrote).
  void Exit(const plugins::AttemptId& id, int code = 0) {
    status_[id].phase = plugins::AttemptPhase::kExited;
    status_[id].exit_code = code;
    on_change_(id);
  }
  size_t Running() const {
    size_t count = 0;
    for (const auto& [id, status] : status_) count += status.phase == plugins::AttemptPhase::kRunning;
    return count;
  }

  std::vector<plugins::TaskAttempt> started;
  std::vector<plugins::AttemptId> aborted;
  std::vector<plugins::TaskAttempt> recovered;
  std::map<plugins::AttemptId, plugins::Recovery> recoveries;
  int sweeps = 0;  // Recovered() calls

 private:
  plugins::ChangeCallback on_change_;
  std::map<plugins::AttemptId, plugins::AttemptStatus> status_;
};

}  // namespace flyte::testing
