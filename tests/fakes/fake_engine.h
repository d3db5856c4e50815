// An Engine that records what it was asked to do, for admin tests without processes.
#pragma once

#include <string>
#include <vector>

#include "engine/engine.h"

namespace flyte::testing {

class FakeEngine final : public engine::Engine {
 public:
  void Submit(const store::ExecutionKey& key) override { submitted.push_back(key); }
  void Terminate(const store::ExecutionKey& key, const std::string& cause) override {
    terminated.push_back({key, cause});
  }
  void Wake(const store::ExecutionKey& key) override { woken.push_back(key); }
  Status Start(engine::ControlPlane) override { return absl::OkStatus(); }
  void Stop() override {}

  std::vector<store::ExecutionKey> submitted;
  std::vector<std::pair<store::ExecutionKey, std::string>> terminated;
  std::vector<store::ExecutionKey> woken;
};

}  // namespace flyte::testing
