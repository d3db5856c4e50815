// What a Pod's status means for its attempt, as FlytePropeller's pod plugin judges it (README.md
// §4): pending (queued, or initializing while an image is pulled or a container is made, with
// grace periods for pull back-offs and container errors), running, succeeded (unless a container
// was OOM-killed), failed (a user error with the container's reason as its code, or a system error
// tried again: exit 137/247, node shutdown, no reason at all), deleted behind the sandbox's back,
// pending too long (when a limit is set).
// Pure functions over the Pod's JSON, tested table by table.
#pragma once

#include <google/protobuf/struct.pb.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace flyte::plugins {

using SystemTime = std::chrono::system_clock::time_point;

struct TerminatedState {
  int exit_code = 0;
  std::string reason, message;
};

struct ContainerStatus {
  std::string name;
  bool ready = false;
  std::string waiting_reason, waiting_message;  // waiting_reason empty: not waiting
  bool running = false;
  std::optional<TerminatedState> terminated, last_terminated;
};

struct PodCondition {
  std::string type, status, reason, message;
  std::optional<SystemTime> last_transition;
};

// The parts of a Pod the plugin reads.
struct PodState {
  std::string name, namespace_, resource_version, node_name;
  std::map<std::string, std::string> labels, annotations;
  bool deleting = false;              // metadata.deletionTimestamp set
  std::optional<SystemTime> created;  // metadata.creationTimestamp
  std::string phase, reason, message;
  std::vector<PodCondition> conditions;
  std::vector<ContainerStatus> init_containers, containers;
};
PodState ParsePod(const google::protobuf::Struct& pod);

struct PhaseSettings {
  std::chrono::seconds image_pull_backoff_grace{180};  // propeller's image-pull-backoff-grace-period
  std::chrono::seconds create_container_error_grace{180};
  std::chrono::seconds create_container_config_error_grace{0};
  // A pod still pending this long after its last condition changed (or, with none, after it was
  // created) fails, to be tried again (propeller's pod-pending-timeout); 0: it may wait forever.
  std::chrono::seconds pending_timeout{0};
};

struct PodJudgement {
  enum class Phase { kQueued, kInitializing, kRunning, kSucceeded, kFailed } phase = Phase::kQueued;
  std::string reason;  // kQueued / kInitializing: what it waits for
  // kFailed: Flyte's error.
  bool user = true;         // false: a system error
  bool recoverable = true;  // false: retrying cannot help (a bad image name)
  bool cleanup = false;     // the pod goes even when the sandbox keeps failed pods
  std::string code, message;
};

// `now` against the conditions' transition times for the grace periods.
PodJudgement JudgePod(const PodState& pod, SystemTime now, const PhaseSettings& settings);

// A pod that the sandbox did not delete is gone (a live GET says 404).
PodJudgement PodGone(const std::string& namespace_, const std::string& name);

}  // namespace flyte::plugins
