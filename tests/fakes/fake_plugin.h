// A Plugin whose attempts finish when the test says so: it records what was started and
// aborted, and a finished attempt's outputs or error document are what the test wrote.
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
  Status Reattach(const plugins::TaskAttempt& attempt, int64_t) override { return absl::NotFoundError(attempt.id); }

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

 private:
  plugins::ChangeCallback on_change_;
  std::map<plugins::AttemptId, plugins::AttemptStatus> status_;
};

}  // namespace flyte::testing
