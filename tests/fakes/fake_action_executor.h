// A Flyte 2 ActionExecutor that records what the admin layer hands it and runs nothing.
#pragma once

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

  std::vector<store::ActionKey> enqueued;
  std::vector<std::pair<store::ActionKey, std::string>> aborted;
};

}  // namespace flyte::testing
