#include "plugins/kubernetes/pod_api.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>

#include "common/url.h"
#include "plugins/kubernetes/json_object.h"

namespace flyte::plugins {
namespace {

using google::protobuf::Struct;
using json::TextAt;

StatusOr<Struct> ParseObject(std::string_view json, std::string_view what) {
  Struct object;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  if (!google::protobuf::util::JsonStringToMessage(std::string(json), &object, options).ok()) {
    return absl::UnavailableError("the Kubernetes API's answer to " + std::string(what) + " is not a JSON object");
  }
  return object;
}

std::string Escaped(const std::string& text) { return PercentEncode(text, /*keep_slash=*/false); }

}  // namespace

Status ApiError(int http_status, std::string_view body, std::string_view what) {
  std::string message;
  auto object = ParseObject(body, what);
  if (object.ok()) message = TextAt(*object, "message");
  if (message.empty()) message = std::string(body.substr(0, 300));
  message = std::string(what) + ": " + message + " (HTTP " + std::to_string(http_status) + ")";
  switch (http_status) {
    case 400:
    case 422:
      return absl::InvalidArgumentError(message);
    case 401:
      return absl::UnauthenticatedError(message);
    case 403:
      return absl::PermissionDeniedError(message);
    case 404:
      return absl::NotFoundError(message);
    case 409:
      return absl::AlreadyExistsError(message);
    case 410:
      return absl::OutOfRangeError(message);
    default:
      return absl::UnavailableError(message);
  }
}

PodApi::PodApi(std::shared_ptr<KubeHttp> http, std::string namespace_)
    : http_(std::move(http)), namespace_name_(std::move(namespace_)) {}

std::string PodApi::PodsPath() const { return "/api/v1/namespaces/" + Escaped(namespace_name_) + "/pods"; }

StatusOr<HttpResponse> PodApi::Call(const HttpRequest& request, std::vector<int> expected, const HttpOptions& options,
                                    const BodySink& sink) const {
  HttpOptions bounded = options;
  if (bounded.io_timeout.count() == 0 && !sink) bounded.io_timeout = std::chrono::seconds(30);
  auto response = http_->Call(request, bounded, sink);
  if (!response.ok()) return response.status();
  if (std::find(expected.begin(), expected.end(), response->status) == expected.end()) {
    return ApiError(response->status, response->body, request.method + " " + request.target);
  }
  return response;
}

StatusOr<std::string> PodApi::Version(std::chrono::milliseconds timeout) const {
  HttpOptions options;
  options.io_timeout = timeout;
  ASSIGN_OR_RETURN(const HttpResponse response, Call({"GET", "/version"}, {200}, options));
  ASSIGN_OR_RETURN(const Struct version, ParseObject(response.body, "GET /version"));
  return TextAt(version, "gitVersion");
}

Status PodApi::Create(const Struct& pod) const {
  std::string body;
  (void)google::protobuf::util::MessageToJsonString(pod, &body);
  return Call({"POST", PodsPath(), body}, {200, 201, 202}).status();
}

StatusOr<PodState> PodApi::Get(const std::string& name) const {
  ASSIGN_OR_RETURN(const HttpResponse response, Call({"GET", PodsPath() + "/" + Escaped(name)}, {200}));
  ASSIGN_OR_RETURN(const Struct pod, ParseObject(response.body, "GET pod " + name));
  return ParsePod(pod);
}

Status PodApi::Delete(const std::string& name) const {
  const Status deleted = Call({"DELETE", PodsPath() + "/" + Escaped(name)}, {200, 202}).status();
  return absl::IsNotFound(deleted) ? Status() : deleted;
}

StatusOr<PodList> PodApi::List(const std::string& label_selector) const {
  PodList list;
  std::string next;
  do {  // pages of 500, as client-go's reflector lists
    std::string target = PodsPath() + "?limit=500&labelSelector=" + Escaped(label_selector);
    if (!next.empty()) target += "&continue=" + Escaped(next);
    ASSIGN_OR_RETURN(const HttpResponse response, Call({"GET", target}, {200}));
    ASSIGN_OR_RETURN(const Struct page, ParseObject(response.body, "GET pods"));
    const auto items = page.fields().find("items");
    if (items != page.fields().end() && items->second.has_list_value()) {
      for (const auto& item : items->second.list_value().values()) list.pods.push_back(ParsePod(item.struct_value()));
    }
    const auto metadata = page.fields().find("metadata");
    const Struct& about =
        metadata != page.fields().end() ? metadata->second.struct_value() : Struct::default_instance();
    list.resource_version = TextAt(about, "resourceVersion");
    next = TextAt(about, "continue");
  } while (!next.empty());
  return list;
}

Status PodApi::Watch(const std::string& label_selector, const std::string& resource_version,
                     std::chrono::seconds timeout, const std::function<void(const PodEvent&)>& on_event,
                     Cancellation* cancellation) const {
  const std::string target = PodsPath() + "?watch=1&allowWatchBookmarks=true&labelSelector=" + Escaped(label_selector) +
                             "&resourceVersion=" + Escaped(resource_version) +
                             "&timeoutSeconds=" + std::to_string(timeout.count());
  std::string pending;  // a line not yet whole
  Status stream_error;
  const auto line = [&](std::string_view text) {
    auto event = ParseObject(text, "a watch");
    if (!event.ok()) {
      stream_error = event.status();
      return;
    }
    const std::string type = TextAt(*event, "type");
    const auto object = event->fields().find("object");
    const Struct& body = object != event->fields().end() ? object->second.struct_value() : Struct::default_instance();
    if (type == "ERROR") {
      const auto code = body.fields().find("code");
      const int status = code != body.fields().end() ? static_cast<int>(code->second.number_value()) : 500;
      std::string json;
      (void)google::protobuf::util::MessageToJsonString(body, &json);
      stream_error = ApiError(status, json, "watch pods");
      return;
    }
    on_event({type, ParsePod(body)});
  };
  HttpOptions options;
  options.cancellation = cancellation;
  options.io_timeout = timeout + std::chrono::seconds(30);  // the server ends the stream by then
  const Status watched = Call({"GET", target}, {200}, options, [&](std::string_view piece) {
                           pending.append(piece);
                           for (size_t end = pending.find('\n'); end != std::string::npos; end = pending.find('\n')) {
                             if (end > 0) line(std::string_view(pending).substr(0, end));
                             pending.erase(0, end + 1);
                           }
                         }).status();
  if (!watched.ok()) return watched;
  return stream_error;
}

Status PodApi::Log(const std::string& name, const std::string& container, bool follow, const BodySink& sink,
                   Cancellation* cancellation) const {
  HttpOptions options;
  options.cancellation = cancellation;
  const std::string target =
      PodsPath() + "/" + Escaped(name) + "/log?container=" + Escaped(container) + (follow ? "&follow=true" : "");
  return Call({"GET", target}, {200}, options, sink).status();
}

StatusOr<Struct> PodApi::GetPodTemplate(const std::string& name) const {
  ASSIGN_OR_RETURN(
      const HttpResponse response,
      Call({"GET", "/api/v1/namespaces/" + Escaped(namespace_name_) + "/podtemplates/" + Escaped(name)}, {200}));
  return ParseObject(response.body, "GET podtemplate " + name);
}

}  // namespace flyte::plugins
