// An Engine that records what it was asked to do, for admin tests without processes. New
// executions are stored as the real engine stores them (so admin reads them back), never run.
#pragma once

#include <string>
#include <vector>

#include "engine/engine.h"

namespace flyte::testing {

class FakeEngine final : public engine::Engine {
 public:
  FakeEngine(store::ExecutionStore& executions, store::BlobStore& blobs) : executions_(executions), blobs_(blobs) {}

  Status Submit(const engine::NewExecution& execution) override {
    RETURN_IF_ERROR(engine::StoreNewExecution(executions_, blobs_, execution));
    submitted.push_back(execution);
    return absl::OkStatus();
  }
  void Terminate(const store::ExecutionKey& key, const std::string& cause) override {
    terminated.push_back({key, cause});
  }
  void Wake(const store::ExecutionKey& key) override { woken.push_back(key); }
  Status Start(engine::ControlPlane) override { return absl::OkStatus(); }
  void Stop() override {}

  std::vector<engine::NewExecution> submitted;
  std::vector<std::pair<store::ExecutionKey, std::string>> terminated;
  std::vector<store::ExecutionKey> woken;

 private:
  store::ExecutionStore& executions_;
  store::BlobStore& blobs_;
};

}  // namespace flyte::testing
