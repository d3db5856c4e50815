// Gives every gRPC call its request id (the client's `x-request-id` when sane, else a new one),
// returns it in the reply's initial metadata, puts it on the log lines of the handler, and logs
// the call when it ends: method, code, duration. Registered after the interceptors that may
// rewrite the status, so the code logged is the one sent.
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <memory>

namespace flyte::server {

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeRequestLogInterceptorFactory();

}  // namespace flyte::server
