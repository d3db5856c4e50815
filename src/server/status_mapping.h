// The one place where in-process errors become wire errors: Status → gRPC status, and
// gRPC status code → HTTP status for the JSON gateway and the data endpoint; and how much of a
// request an error message may quote back.
#pragma once

#include <grpcpp/support/status.h>

#include <string>
#include <string_view>

#include "common/status.h"

namespace flyte::server {

// Text the request sent (a name, a value, a path, a header), abbreviated to 200 bytes for
// quoting in an error message; when it is not UTF-8, its non-ASCII bytes become '?'.
std::string Echo(std::string_view request_text);
// Every error message on the wire, at most 1 KiB (its middle elided): the admin layer quotes
// request fields whole, and a reply must not send back a mebibyte it was given.
std::string BoundedMessage(std::string_view message);

// Never returns UNKNOWN: flytekit answers UNKNOWN by starting a browser login flow.
grpc::Status ToGrpcStatus(const Status& status);

// grpc-gateway's mapping (runtime.HTTPStatusFromCode).
int HttpStatusOf(grpc::StatusCode code);
inline int HttpStatusOf(const Status& status) { return HttpStatusOf(ToGrpcStatus(status).error_code()); }

}  // namespace flyte::server
