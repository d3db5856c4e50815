#include "plugins/container/engine_socket.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "plugins/container/docker_client.h"

namespace flyte::plugins {
namespace {

constexpr std::string_view kUnixScheme = "unix://";

StatusOr<std::string> SocketPath(const std::string& address, std::string_view from) {
  std::string_view path = address;
  if (path.substr(0, kUnixScheme.size()) == kUnixScheme) path.remove_prefix(kUnixScheme.size());
  if (path.empty() || path.front() != '/' || path.find("://") != std::string_view::npos) {
    return absl::InvalidArgumentError(std::string(from) + " is \"" + address +
                                      "\": only a local unix socket works (unix:///path/to/engine.sock), since "
                                      "containers mount this machine's folders");
  }
  return std::string(path);
}

std::string Getenv(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

}  // namespace

SocketSearch SocketSearchFromEnvironment(std::string configured) {
  return {std::move(configured), Getenv("DOCKER_HOST"), Getenv("XDG_RUNTIME_DIR")};
}

StatusOr<std::vector<std::string>> CandidateSockets(const SocketSearch& search) {
  if (!search.configured.empty()) {
    ASSIGN_OR_RETURN(std::string path, SocketPath(search.configured, "tasks.containers.socket"));
    return std::vector<std::string>{std::move(path)};
  }
  if (!search.docker_host.empty()) {
    ASSIGN_OR_RETURN(std::string path, SocketPath(search.docker_host, "DOCKER_HOST"));
    return std::vector<std::string>{std::move(path)};
  }
  std::vector<std::string> candidates{"/var/run/docker.sock"};
  if (!search.xdg_runtime_dir.empty()) {
    candidates.push_back(search.xdg_runtime_dir + "/docker.sock");
    candidates.push_back(search.xdg_runtime_dir + "/podman/podman.sock");
  }
  candidates.push_back("/run/podman/podman.sock");
  return candidates;
}

std::string FoundEngine::Describe() const { return info.name + " " + info.version + " (unix://" + socket + ")"; }

StatusOr<FoundEngine> FindEngine(const SocketSearch& search, std::chrono::milliseconds timeout) {
  ASSIGN_OR_RETURN(const std::vector<std::string> candidates, CandidateSockets(search));
  std::string tried;
  for (const std::string& socket : candidates) {
    std::error_code error;
    tried += (tried.empty() ? "" : ", ") + socket;
    if (!std::filesystem::exists(socket, error)) continue;
    StatusOr<EngineInfo> info = DockerClient(socket).Version(timeout);
    if (info.ok()) return FoundEngine{socket, *std::move(info)};
    tried += " (" + std::string(info.status().message()) + ")";
  }
  return absl::NotFoundError("no container engine found (looked at " + tried + ")");
}

}  // namespace flyte::plugins
