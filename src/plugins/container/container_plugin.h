// Runs each task attempt as a container of the task's image, through the Docker Engine API (Docker
// or Podman's compatible service): the rendered command, Flyte's environment, the blob store and the
// attempt's folder mounted at their own paths, the output streamed to the attempt's log, the exit
// code as the result. README.md says how.
#pragma once

#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include "plugins/container/container_config.h"
#include "plugins/container/docker_client.h"
#include "plugins/container/resource_limits.h"
#include "plugins/data_passing.h"
#include "plugins/plugin.h"
#include "plugins/worker_threads.h"

namespace flyte::plugins {

// The label prefix of every container the sandbox starts: <prefix>.token, .execution, .node...
inline constexpr std::string_view kContainerLabelPrefix = "org.flyte.sandbox";

// What one launch of an attempt runs with, worked out once when it starts (or is re-attached).
struct Launch {
  TaskAttempt attempt;
  ResourceLimits limits;            // the container's, from the task's resources (a malformed one warned about once)
  std::optional<DataPassing> data;  // a raw container's input and output folders, mounted at its paths
};
Launch LaunchOf(const TaskAttempt& attempt);

// What a container for a launch is created with: its image, command line, environment, mounts,
// labels and limits. Errors belong to the task (no image, a bad template): it fails to start.
StatusOr<ContainerSpec> ContainerSpecFor(const Launch& launch, const ContainerConfig& config);

std::unique_ptr<Plugin> MakeContainerPlugin(ContainerConfig config, ChangeCallback on_change);

// Removes (killing first) every container labelled with the sandbox state folder `state_dir`,
// running or not; how many. For `flyte sandbox teardown`, when no sandbox runs: a sandbox killed
// with kill -9 leaves its containers running, and nothing would ever claim them once its state
// folder is gone.
StatusOr<int> RemoveSandboxContainers(const DockerClient& client, const std::string& state_dir);

// Threads: the engine's loop thread calls the Plugin methods, which never wait for the engine;
// one runner thread per attempt makes the blocking API calls (create, start, follow the logs,
// wait, stop, remove) and calls on_change; mu_ guards what they share.
class ContainerPlugin final : public Plugin {
 public:
  ContainerPlugin(ContainerConfig config, ChangeCallback on_change);
  // Stops and removes every container still running (SIGKILL after the grace), joins the runners.
  ~ContainerPlugin() override;
  ContainerPlugin(const ContainerPlugin&) = delete;
  ContainerPlugin& operator=(const ContainerPlugin&) = delete;

  Status Start(const TaskAttempt& attempt) override;
  StatusOr<AttemptStatus> Check(const AttemptId& id) override;
  Status Abort(const AttemptId& id) override;
  Status Finalize(const AttemptId& id) override;
  // Finds the attempt's container by its name (its launch token): none, or created and never
  // started (removed), is never started; running is re-attached (its log continues from where the
  // attempt's log stopped); ended gives its exit code and the rest of its log, then it goes.
  StatusOr<Recovery> Recover(const TaskAttempt& attempt) override;
  // Removes, on a runner thread, this sandbox's containers (by the state label) that no attempt
  // holds: left by attempts that ended or were finalized while their container was not yet removed.
  void Recovered() override;

 private:
  struct AttemptRecord {
    AttemptStatus status;
    std::shared_ptr<Cancellation> cancellation;  // fired by Abort and Finalize: the runner stops
    std::string token;                           // the launch's: its container's name and label
  };
  // The runner thread of one attempt.
  void Run(const Launch& launch, const std::shared_ptr<Cancellation>& cancellation);
  // The runner thread of an attempt found running after a restart: follows it past the
  // `logged` bytes of its log the sandbox already holds.
  void Reattach(const Launch& launch, const std::string& id, int64_t logged,
                const std::shared_ptr<Cancellation>& cancellation);
  // Runs the container once it exists; the attempt's outcome.
  AttemptStatus RunContainer(const std::string& id, const Launch& launch, int log_fd,
                             const std::shared_ptr<Cancellation>& cancellation);
  // Follows a started container to its end: its log (past the first `logged` bytes), then its exit
  // code, an OOM kill named as such (with the launch's memory limit); after an exit 0 a raw
  // container's outputs are read back.
  AttemptStatus Follow(const std::string& id, const Launch& launch, int log_fd,
                       const std::shared_ptr<Cancellation>& cancellation, int64_t logged);
  // Stops an aborted container, reports the outcome, removes the container.
  void Conclude(const std::string& id, const AttemptId& attempt, AttemptStatus outcome);
  // Removes the containers of this sandbox that no attempt holds.
  void RemoveOrphans();
  // Sets the attempt's status (unless it was aborted or finalized meanwhile) and tells the engine.
  void Report(const AttemptId& id, AttemptStatus status);

  const ContainerConfig config_;
  const ChangeCallback on_change_;
  const DockerClient client_;

  absl::Mutex mu_;
  std::unordered_map<AttemptId, AttemptRecord> attempts_ ABSL_GUARDED_BY(mu_);
  WorkerThreads runners_;  // one per attempt (and the orphan sweep)
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace flyte::plugins
