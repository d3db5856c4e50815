#include "plugins/container/docker_client.h"

#include <algorithm>

#include "common/url.h"
#include "plugins/container/log_stream.h"

namespace flyte::plugins {
namespace {

// The API version every call names: Docker 20.10+ and Podman 3+ speak it, and it fixes the
// answers' shape whatever newer version the engine also speaks.
constexpr std::string_view kApi = "/v1.41";

std::string Path(std::string_view tail) { return std::string(kApi) + std::string(tail); }

std::string Escaped(const std::string& part) { return PercentEncode(part, /*keep_slash=*/false); }

Status FromHttpStatus(int status, const std::string& message) {
  switch (status) {
    case 404:
      return absl::NotFoundError(message);
    case 409:
      return absl::AlreadyExistsError(message);
    case 400:
      return absl::InvalidArgumentError(message);
    default:
      return absl::UnavailableError("the container engine answered " + std::to_string(status) + ": " + message);
  }
}

}  // namespace

StatusOr<HttpResponse> DockerClient::Call(const HttpRequest& request, std::vector<int> expected,
                                          const HttpOptions& options, const BodySink& sink) const {
  ASSIGN_OR_RETURN(HttpResponse response, UnixHttp(socket_path_, request, options, sink));
  if (std::find(expected.begin(), expected.end(), response.status) != expected.end()) return response;
  return FromHttpStatus(response.status, ErrorMessage(response.body));
}

StatusOr<EngineInfo> DockerClient::Version(std::chrono::milliseconds timeout) const {
  HttpOptions options;
  options.io_timeout = timeout;
  ASSIGN_OR_RETURN(const HttpResponse response, Call({"GET", "/version", ""}, {200}, options));
  return ParseVersion(response.body);
}

Status DockerClient::InspectImage(const std::string& image) const {
  return Call({"GET", Path("/images/" + PercentEncode(image, /*keep_slash=*/true) + "/json"), ""}, {200}).status();
}

StatusOr<std::string> DockerClient::Create(const std::string& name, const ContainerSpec& spec) const {
  ASSIGN_OR_RETURN(const HttpResponse response,
                   Call({"POST", Path("/containers/create?name=" + Escaped(name)), CreateBody(spec)}, {201}));
  return ParseCreatedId(response.body);
}

Status DockerClient::Start(const std::string& id) const {
  return Call({"POST", Path("/containers/" + Escaped(id) + "/start"), ""}, {204, 304}).status();
}

Status DockerClient::FollowLogs(const std::string& id, const std::function<void(int, std::string_view)>& output,
                                Cancellation* cancellation) const {
  MultiplexedStreamDecoder decoder(output);
  HttpOptions options;
  options.cancellation = cancellation;
  return Call({"GET", Path("/containers/" + Escaped(id) + "/logs?follow=1&stdout=1&stderr=1"), ""}, {200}, options,
              [&decoder](std::string_view piece) { decoder.Feed(piece); })
      .status();
}

StatusOr<int> DockerClient::Wait(const std::string& id, Cancellation* cancellation) const {
  HttpOptions options;
  options.cancellation = cancellation;
  ASSIGN_OR_RETURN(const HttpResponse response,
                   Call({"POST", Path("/containers/" + Escaped(id) + "/wait"), ""}, {200}, options));
  return ParseWaitStatusCode(response.body);
}

StatusOr<ContainerState> DockerClient::Inspect(const std::string& id) const {
  ASSIGN_OR_RETURN(const HttpResponse response, Call({"GET", Path("/containers/" + Escaped(id) + "/json"), ""}, {200}));
  return ParseInspect(response.body);
}

Status DockerClient::Stop(const std::string& id, std::chrono::seconds grace) const {
  return Call({"POST", Path("/containers/" + Escaped(id) + "/stop?t=" + std::to_string(grace.count())), ""}, {204, 304})
      .status();
}

Status DockerClient::Remove(const std::string& id) const {
  const Status removed = Call({"DELETE", Path("/containers/" + Escaped(id) + "?force=1"), ""}, {200, 204}).status();
  return absl::IsNotFound(removed) ? absl::OkStatus() : removed;
}

StatusOr<std::vector<ListedContainer>> DockerClient::ListByLabel(const std::string& label,
                                                                 const std::string& value) const {
  ASSIGN_OR_RETURN(
      const HttpResponse response,
      Call({"GET", Path("/containers/json?all=1&filters=" + Escaped(LabelFilter(label, value))), ""}, {200}));
  return ParseList(response.body);
}

}  // namespace flyte::plugins
