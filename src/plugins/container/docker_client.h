// The Docker Engine API calls the container plugin makes, over the engine's unix socket (Docker's,
// or Podman's Docker-compatible `podman system service`). Every call is blocking: the plugin makes
// them from its own threads, never the engine's.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "plugins/container/docker_json.h"
#include "plugins/container/unix_http.h"

namespace flyte::plugins {

// Threads: any; each call opens its own connection.
class DockerClient {
 public:
  explicit DockerClient(std::string socket_path) : socket_path_(std::move(socket_path)) {}

  const std::string& socket_path() const { return socket_path_; }

  // GET /version, answered within `timeout` (the sandbox asks at start-up and must not hang).
  StatusOr<EngineInfo> Version(std::chrono::milliseconds timeout) const;
  // NOT_FOUND when the engine has no such image locally (nothing is ever pulled).
  Status InspectImage(const std::string& image) const;
  // The new container's id; `name` unique (CONFLICT when a container has it already).
  StatusOr<std::string> Create(const std::string& name, const ContainerSpec& spec) const;
  Status Start(const std::string& id) const;
  // Follows the container's stdout and stderr until it ends (or `cancellation` fires), passing
  // each piece of output on as it comes, from the container's first output.
  Status FollowLogs(const std::string& id, const std::function<void(int stream, std::string_view)>& output,
                    Cancellation* cancellation) const;
  // Blocks until the container has ended; its exit code.
  StatusOr<int> Wait(const std::string& id, Cancellation* cancellation) const;
  StatusOr<ContainerState> Inspect(const std::string& id) const;
  // SIGTERM, then SIGKILL after `grace`; OK when it had ended already.
  Status Stop(const std::string& id, std::chrono::seconds grace) const;
  // Forced (a running container is killed); OK when there is no such container.
  Status Remove(const std::string& id) const;
  // Every container (running or not) with the label `label=value`.
  StatusOr<std::vector<ListedContainer>> ListByLabel(const std::string& label, const std::string& value) const;

 private:
  // The call, its answer kept when its status is one of `expected`, else an error with the engine's message.
  StatusOr<HttpResponse> Call(const HttpRequest& request, std::vector<int> expected, const HttpOptions& options = {},
                              const BodySink& sink = nullptr) const;

  const std::string socket_path_;
};

}  // namespace flyte::plugins
