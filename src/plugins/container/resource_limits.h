// What a task's resources become for its container. Only limits bind a container, as on
// Kubernetes, and a resource the task requests without a limit is limited to its request, as
// Flyte's pod plugin does (ApplyResourceOverrides assigns the request as the limit); FlyteAdmin has
// already filled both in at launch, so this matters for tasks it never saw (dynamic workflows).
#pragma once

#include <cstdint>
#include <string>

#include "flyteidl/core/tasks.pb.h"

namespace flyte::plugins {

struct ResourceLimits {
  int64_t memory_bytes = 0;  // HostConfig.Memory (and MemorySwap, so no swap beyond it); 0: none
  std::string memory;        // as the task spells it, for messages
  int64_t nano_cpus = 0;     // HostConfig.NanoCpus; 0: none
};

// `host_cpus`: this machine's cpus; a cpu limit above them is lowered to them (an engine refuses
// more, and a pod asking for more would never be scheduled anyway), one below a hundredth of a cpu
// raised to it (the least Docker takes). A value that is not a quantity is ignored with a warning:
// registration refuses those, so only tasks it never checked have them.
ResourceLimits LimitsOf(const flyteidl::core::Resources& resources, int64_t host_cpus);

}  // namespace flyte::plugins
