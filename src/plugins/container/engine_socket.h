// Finding the container engine: the socket from the config, else DOCKER_HOST (unix:// only: the
// plugin mounts this machine's folders, so the engine must run here), else the usual Docker and
// Podman sockets, the first that exists; then asking it who it is.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/status.h"
#include "plugins/container/docker_json.h"

namespace flyte::plugins {

// Where the sockets are looked for, given what the environment says.
struct SocketSearch {
  std::string configured;       // tasks.containers.socket: a path or unix:// URL; empty: look around
  std::string docker_host;      // $DOCKER_HOST
  std::string xdg_runtime_dir;  // $XDG_RUNTIME_DIR (rootless Docker and Podman put theirs there)
};
// The current process's environment.
SocketSearch SocketSearchFromEnvironment(std::string configured);

// Socket paths in the order they are tried. Only the configured socket, or only DOCKER_HOST's,
// when given; INVALID_ARGUMENT for an address that is not a unix socket.
StatusOr<std::vector<std::string>> CandidateSockets(const SocketSearch& search);

struct FoundEngine {
  std::string socket;
  EngineInfo info;
  std::string Describe() const;  // "podman 4.3.1 (unix:///run/podman/podman.sock)"
};

// The first candidate socket that exists and answers GET /version within `timeout`; NOT_FOUND
// (naming the places looked at) when none does.
StatusOr<FoundEngine> FindEngine(const SocketSearch& search, std::chrono::milliseconds timeout);

}  // namespace flyte::plugins
