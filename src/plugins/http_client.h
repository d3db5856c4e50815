// What the plugins' blocking HTTP/1.1 clients share (Boost.Beast; the static binary has no
// libcurl): the request and response, a body streamed piece by piece, timeouts, and a request
// that another thread can cancel. The container plugin speaks to its engine over a unix socket
// (container/unix_http.h), the Kubernetes plugin to its API server over TLS
// (kubernetes/kube_http.h); http_exchange.h is the exchange both run.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

namespace flyte::plugins {

// Lets one thread interrupt the request another thread is blocked in: Cancel shuts the request's
// socket down (its read or write then fails at once) and makes every later request fail.
class Cancellation {
 public:
  void Cancel();
  bool cancelled() const;
  // For the client: the socket of the request in flight; false (and nothing kept) once cancelled.
  bool Enter(int fd);
  void Leave();

 private:
  mutable absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  int fd_ ABSL_GUARDED_BY(mu_) = -1;
};

struct HttpRequest {
  HttpRequest() = default;
  HttpRequest(std::string method_, std::string target_, std::string body_ = {})
      : method(std::move(method_)), target(std::move(target_)), body(std::move(body_)) {}
  std::string method = "GET";
  std::string target;  // "/v1.41/containers/json?all=1"
  std::string body;    // sent with `content_type` when not empty
  std::string content_type = "application/json";
  std::map<std::string, std::string> headers;  // more of them (Authorization...)
};

struct HttpResponse {
  int status = 0;
  std::string body;
};

// Called with each piece of a 2xx response's body as it arrives.
using BodySink = std::function<void(std::string_view piece)>;

struct HttpOptions {
  std::chrono::milliseconds io_timeout{0};  // each read or write; 0: none (a log stream may last hours)
  Cancellation* cancellation = nullptr;
};

}  // namespace flyte::plugins
