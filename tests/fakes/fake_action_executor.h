// A Flyte 2 ActionExecutor that records what the admin layer hands it and runs nothing; attempt
// logs are where the real one puts them, under `logs_dir`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "engine/v2/action_executor.h"

namespace flyte::testing {

class FakeActionExecutor final : public engine::v2::ActionExecutor {
 public:
  Status Start() override { return absl::OkStatus(); }
  void Stop() override {}
  void Enqueue(const store::ActionKey& key) override { enqueued.push_back(key); }
  void Abort(const store::ActionKey& key, const std::string& reason) override { aborted.emplace_back(key, reason); }
  void Signaled(const store::ActionKey& key) override { signaled.push_back(key); }
  std::filesystem::path AttemptLog(const store::ActionKey& key, int64_t attempt) const override {
    return engine::v2::AttemptLogFile(logs_dir, key, attempt);
  }

  std::filesystem::path logs_dir;  // where AttemptLog points, set by a test that writes logs there
  std::vector<store::ActionKey> enqueued;
  std::vector<std::pair<store::ActionKey, std::string>> aborted;
  std::vector<store::ActionKey> signaled;
};

}  // namespace flyte::testing
