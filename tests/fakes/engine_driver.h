// Drives the engine's StepRunner synchronously for tests: real SQLite stores and object store in a
// temporary folder, a FakePlugin whose attempts finish when the test says so, and a FakeClock.
// No threads and no sleeps: each Step() delivers the plugin's notices and runs one executor step.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "engine/data_layout.h"
#include "engine/step_runner.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_plugin.h"
#include "fakes/fake_resolver.h"
#include "fakes/temp_dir.h"
#include "flyteidl/admin/node_execution.pb.h"
#include "flyteidl/core/errors.pb.h"
#include "store/store.h"

namespace flyte::testing {

namespace core = flyteidl::core;

class EngineDriver {
 public:
  EngineDriver()
      : stores_(*store::OpenSqliteStores(RegistryFile(), clock)),
        blobs_(*store::OpenLocalBlobStore(dir_.path() / "blobs")),
        deps_{*stores_.executions, *blobs_, *stores_.cache, *stores_.signals, clock, nullptr, Config()},
        plugin_([this](const plugins::AttemptId& id) { notices_.push_back(id); }),
        control_plane_{[this](const engine::ChildLaunch& launch) {
                         children.push_back(launch);
                         return absl::OkStatus();
                       },
                       [this](const core::Identifier& id) { return resolver.GetLaunchPlan(id); }} {
    Restart();
  }

  // A new runner over the same stores, as after a server restart.
  void Restart() {
    runner_ = std::make_unique<engine::StepRunner>(deps_, plugin_, control_plane_);
    REQUIRE(runner_->Recover().ok());
  }

  // Compiles `workflow` (its tasks registered with `resolver`), stores it with `inputs` and submits it.
  store::ExecutionKey Launch(const std::string& name, const core::WorkflowTemplate& workflow,
                             const core::LiteralMap& inputs, flyteidl::admin::ExecutionSpec spec = {}) {
    auto closure = engine::CompileWorkflow(workflow, {}, resolver);
    REQUIRE_MESSAGE(closure.ok(), closure.status().message());
    const store::ExecutionKey key{"p", "d", name};
    flyteidl::admin::Execution record;
    record.mutable_id()->set_project(key.project);
    record.mutable_id()->set_domain(key.domain);
    record.mutable_id()->set_name(key.name);
    *record.mutable_spec() = std::move(spec);
    record.mutable_closure()->set_phase(core::WorkflowExecution::QUEUED);
    store::ExecutionRow row;
    row.key = key;
    row.phase = core::WorkflowExecution::QUEUED;
    row.created_at = row.updated_at = clock.NowMillis();
    row.payload = record.SerializeAsString();
    REQUIRE(blobs_->Put(engine::ExecutionInputsKey(key), inputs.SerializeAsString()).ok());
    REQUIRE(blobs_->Put(engine::ExecutionClosureKey(key), closure->SerializeAsString()).ok());
    REQUIRE(stores_.executions->CreateExecution(row).ok());
    runner_->Submit(key);
    Step();
    return key;
  }

  // Delivers the plugin's notices and runs steps until nothing is left to do at this time.
  void Step() {
    for (int i = 0; i < 100; ++i) {
      for (const auto& id : notices_) runner_->AttemptChanged(id);
      notices_.clear();
      runner_->Step(
          [this](const store::ExecutionKey& key, const std::string& cause) { runner_->Terminate(key, cause); },
          [this](const store::ExecutionKey& key) { runner_->Wake(key); });
      if (notices_.empty() && !runner_->HasPendingWork()) return;
    }
    FAIL("the engine did not settle");
  }

  void Wake(const store::ExecutionKey& key) {
    runner_->Wake(key);
    Step();
  }

  // The started attempts of a node (by unique id), in order.
  std::vector<plugins::TaskAttempt> Attempts(const std::string& node_id) const {
    std::vector<plugins::TaskAttempt> out;
    for (const auto& attempt : plugin_.started) {
      if (attempt.node_id == node_id) out.push_back(attempt);
    }
    return out;
  }
  const std::vector<plugins::TaskAttempt>& Started() const { return plugin_.started; }
  FakePlugin& plugin() { return plugin_; }

  // The attempt exits 0 after writing `outputs` (no file for an empty map, like a task without outputs).
  void Succeed(const plugins::TaskAttempt& attempt, const core::LiteralMap& outputs = {}) {
    if (!outputs.literals().empty()) Write(attempt.output_prefix + "/outputs.pb", outputs.SerializeAsString());
    plugin_.Exit(attempt.id);
    Step();
  }
  // The attempt exits 0 after writing error.pb, as pyflyte-execute does for a user exception.
  void Fail(const plugins::TaskAttempt& attempt, const std::string& message, bool recoverable = false) {
    core::ErrorDocument document;
    document.mutable_error()->set_code("USER:Exception");
    document.mutable_error()->set_message(message);
    document.mutable_error()->set_kind(recoverable ? core::ContainerError::RECOVERABLE
                                                   : core::ContainerError::NON_RECOVERABLE);
    document.mutable_error()->set_origin(core::ExecutionError::USER);
    Write(attempt.output_prefix + "/error.pb", document.SerializeAsString());
    plugin_.Exit(attempt.id);
    Step();
  }

  flyteidl::admin::Execution Execution(const store::ExecutionKey& key) const {
    flyteidl::admin::Execution record;
    record.ParseFromString(stores_.executions->GetExecution(key)->payload);
    return record;
  }
  flyteidl::admin::NodeExecution Node(const store::ExecutionKey& key, const std::string& node_id) const {
    flyteidl::admin::NodeExecution record;
    auto row = stores_.executions->GetNodeExecution(key, node_id);
    if (row.ok()) record.ParseFromString(row->payload);
    return record;
  }
  core::LiteralMap Outputs(const store::ExecutionKey& key) const {
    core::LiteralMap outputs;
    outputs.ParseFromString(*blobs_->Get(engine::ExecutionOutputsKey(key)));
    return outputs;
  }
  store::BlobStore& blobs() { return *blobs_; }
  // The engine's settings, for the runners made from now on (Restart).
  engine::EngineConfig& config() { return deps_.config; }
  std::filesystem::path RegistryFile() const { return dir_.path() / "registry.db"; }
  store::SqliteStores& stores() { return stores_; }

  FakeClock clock;
  FakeResolver resolver;                      // the registry: tasks and launch plans, for workflows and dynamic ones
  std::vector<engine::ChildLaunch> children;  // what launch plan nodes asked for

 private:
  static engine::EngineConfig Config() {
    engine::EngineConfig config;
    config.logs_base_url = "http://logs";
    return config;
  }
  void Write(const std::string& native_url, const std::string& bytes) {
    REQUIRE(blobs_->Put(*blobs_->KeyOf(native_url), bytes).ok());
  }

  TempDir dir_;
  store::SqliteStores stores_;
  std::unique_ptr<store::BlobStore> blobs_;
  engine::EngineDeps deps_;
  std::vector<plugins::AttemptId> notices_;
  FakePlugin plugin_;
  engine::ControlPlane control_plane_;
  std::unique_ptr<engine::StepRunner> runner_;
};

}  // namespace flyte::testing
