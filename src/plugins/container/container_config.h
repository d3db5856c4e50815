// The container plugin's settings (from the sandbox config's `tasks.containers` and the engine
// found at start-up).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace flyte::plugins {

struct ContainerConfig {
  std::string socket;  // the engine's unix socket (engine_socket.h's FindEngine); empty: none found
  std::string engine;  // "podman 4.3.1", for messages
  // Mounted at the same absolute path in every container (the blob store: inputs, outputs and code
  // distributions are plain paths there), besides each attempt's own folder.
  std::vector<std::filesystem::path> shared_dirs;
  std::string state_dir;               // labelled on every container: which sandbox it belongs to
  std::chrono::seconds stop_grace{5};  // Abort: SIGTERM, then SIGKILL this much later
};

}  // namespace flyte::plugins
