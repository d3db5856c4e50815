// The one place where in-process errors become wire errors: Status → gRPC status, and
// gRPC status code → HTTP status for the JSON gateway and the data endpoint.
#pragma once

#include <grpcpp/support/status.h>

#include "common/status.h"

namespace flyte::server {

// Never returns UNKNOWN: flytekit answers UNKNOWN by starting a browser login flow.
grpc::Status ToGrpcStatus(const Status& status);

// grpc-gateway's mapping (runtime.HTTPStatusFromCode).
int HttpStatusOf(grpc::StatusCode code);
inline int HttpStatusOf(const Status& status) { return HttpStatusOf(ToGrpcStatus(status).error_code()); }

}  // namespace flyte::server
