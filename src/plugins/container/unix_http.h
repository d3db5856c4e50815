// A blocking HTTP/1.1 client over a unix socket (Boost.Beast; the static binary has no libcurl):
// one connection per request, as the Docker Engine API allows. A request can be cancelled from
// another thread (Abort interrupts a container's log stream this way).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include "common/status.h"

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
  std::string method = "GET";
  std::string target;  // "/v1.41/containers/json?all=1"
  std::string body;    // sent as application/json when not empty
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

// UNAVAILABLE when the socket cannot be reached or the exchange breaks (CANCELLED once cancelled).
// With a `sink`, a 2xx body goes to it piece by piece and the response's body stays empty.
StatusOr<HttpResponse> UnixHttp(const std::string& socket_path, const HttpRequest& request, const HttpOptions& options,
                                const BodySink& sink = nullptr);

}  // namespace flyte::plugins
