// A blocking HTTP/1.1 client over a unix socket (plugins/http_client.h): one connection per
// request, as the Docker Engine API allows. A request can be cancelled from another thread (Abort
// interrupts a container's log stream this way).
#pragma once

#include <string>

#include "common/status.h"
#include "plugins/http_client.h"

namespace flyte::plugins {

// UNAVAILABLE when the socket cannot be reached or the exchange breaks (CANCELLED once cancelled).
// With a `sink`, a 2xx body goes to it piece by piece and the response's body stays empty.
StatusOr<HttpResponse> UnixHttp(const std::string& socket_path, const HttpRequest& request, const HttpOptions& options,
                                const BodySink& sink = nullptr);

}  // namespace flyte::plugins
