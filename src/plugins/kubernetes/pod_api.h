// The Kubernetes API calls the pod plugin makes, in one namespace: create, get, delete, list and
// watch Pods (by label selector), follow a container's log, read a PodTemplate, ask the version.
// Errors carry the API's own message (its Status object) with a code from the HTTP status: 404
// NOT_FOUND, 409 ALREADY_EXISTS, 400 and 422 INVALID_ARGUMENT, 401 UNAUTHENTICATED, 403
// PERMISSION_DENIED, 410 OUT_OF_RANGE (a watch's resourceVersion is too old), others UNAVAILABLE.
#pragma once

#include <google/protobuf/struct.pb.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "plugins/http_client.h"
#include "plugins/kubernetes/kube_http.h"
#include "plugins/kubernetes/pod_status.h"

namespace flyte::plugins {

struct PodList {
  std::vector<PodState> pods;
  std::string resource_version;  // the list's: where a watch starts
};

// One event of a watch: ADDED, MODIFIED, DELETED (the pod's last state) or BOOKMARK (only the
// resource version).
struct PodEvent {
  std::string type;
  PodState pod;
};

class PodApi {
 public:
  PodApi(std::shared_ptr<KubeHttp> http, std::string namespace_);

  // "v1.34.2", for the banner; UNAVAILABLE when the server has not answered within `timeout`.
  StatusOr<std::string> Version(std::chrono::milliseconds timeout) const;
  Status Create(const google::protobuf::Struct& pod) const;
  StatusOr<PodState> Get(const std::string& name) const;
  // NOT_FOUND is success: the pod is gone either way.
  Status Delete(const std::string& name) const;
  StatusOr<PodList> List(const std::string& label_selector) const;
  // Watches from `resource_version` for at most `timeout` (the server closes the stream then), each
  // event to `on_event` as it comes; OK when the stream ends, OUT_OF_RANGE when the version is too
  // old (relist), CANCELLED once cancelled.
  Status Watch(const std::string& label_selector, const std::string& resource_version, std::chrono::seconds timeout,
               const std::function<void(const PodEvent&)>& on_event, Cancellation* cancellation) const;
  // A container's log (followed to the container's end with `follow`), piece by piece.
  Status Log(const std::string& name, const std::string& container, bool follow, const BodySink& sink,
             Cancellation* cancellation) const;
  // NOT_FOUND when there is no PodTemplate of that name.
  StatusOr<google::protobuf::Struct> GetPodTemplate(const std::string& name) const;

  const std::string& namespace_() const { return namespace_name_; }

 private:
  StatusOr<HttpResponse> Call(const HttpRequest& request, std::vector<int> expected, const HttpOptions& options = {},
                              const BodySink& sink = nullptr) const;
  std::string PodsPath() const;

  std::shared_ptr<KubeHttp> http_;
  std::string namespace_name_;
};

// The error a non-2xx answer means (above); `body` a Status object or anything.
Status ApiError(int http_status, std::string_view body, std::string_view what);

}  // namespace flyte::plugins
