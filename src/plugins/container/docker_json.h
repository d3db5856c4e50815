// The Docker Engine API's JSON, both ways: the body that creates a container, and what the engine
// answers (version, created id, wait, inspect, list, errors). Pure functions, tested on responses
// recorded from Podman's Docker-compatible service and from Docker's API reference.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "plugins/attempt_command.h"

namespace flyte::plugins {

// Which engine answers: "podman" or "docker", its version and the API version it speaks.
struct EngineInfo {
  std::string name;
  std::string version;
  std::string api_version;
};
StatusOr<EngineInfo> ParseVersion(std::string_view json);

struct ContainerSpec {
  std::string image;
  std::vector<std::string> entrypoint;  // empty: the image's
  std::vector<std::string> cmd;
  Environment env;
  std::map<std::string, std::string> labels;
  std::vector<std::string> binds;  // "host:container[:options]"
  int64_t memory_bytes = 0;        // HostConfig.Memory and MemorySwap (no swap beyond it); 0: no limit
  int64_t nano_cpus = 0;           // HostConfig.NanoCpus; 0: no limit
  std::string network_mode;        // HostConfig.NetworkMode; empty: the engine's default
};
// POST /containers/create's body: no TTY, stdout and stderr kept for the logs.
std::string CreateBody(const ContainerSpec& spec);

StatusOr<std::string> ParseCreatedId(std::string_view json);
// POST /containers/{id}/wait: the exit code.
StatusOr<int> ParseWaitStatusCode(std::string_view json);

struct ContainerState {
  std::string status;  // created, running, exited...
  bool running = false;
  int exit_code = 0;
  bool oom_killed = false;
};
// GET /containers/{id}/json.
StatusOr<ContainerState> ParseInspect(std::string_view json);

struct ListedContainer {
  std::string id;
  std::string state;
  std::map<std::string, std::string> labels;
};
// GET /containers/json.
StatusOr<std::vector<ListedContainer>> ParseList(std::string_view json);
// The `filters` query value selecting containers with `label=value`.
std::string LabelFilter(const std::string& label, const std::string& value);

// An error response's `message` (Docker and Podman send {"message": ...}), else the body itself.
std::string ErrorMessage(std::string_view body);

}  // namespace flyte::plugins
