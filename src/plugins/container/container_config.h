// The container plugin's settings (from the sandbox config's `tasks.containers` and the engine
// found at start-up).
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
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
  // Beneath each attempt's own environment: how a task in a container reaches the S3 endpoint
  // (FLYTE_AWS_ENDPOINT and the keys).
  std::map<std::string, std::string> env;
  // HostConfig.NetworkMode: "host" shares this machine's network (a sandbox bound to loopback is
  // reachable only so); empty: the engine's default network.
  std::string network_mode;
  // For a task that calls the sandbox's API (TaskAttempt::api_address_variable): the NetworkMode its
  // container gets and the address (host:port) it dials there.
  std::string api_network_mode;
  std::string api_address;
};

}  // namespace flyte::plugins
