// What the sandbox records of every gRPC call, the JSON gateway's included (it calls through the
// in-process channel), in one interceptor so that a call's clock and status are read once:
// - its request id (the client's `x-request-id` when sane, else a new one), returned in the
//   reply's initial metadata and put on the log lines of its handler;
// - Prometheus metrics: calls by service, method and status code, and their latency;
// - a log line when it ends: method, code, duration (and the error), at warn for the sandbox's
//   own failures, else at debug;
// - the calls gRPC is running, for the CallBudget.
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <memory>

#include "server/call_budget.h"

namespace flyte::server {

// Register it last: it records the status the other interceptors leave.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeCallInterceptorFactory(
    std::shared_ptr<CallBudget> budget);

}  // namespace flyte::server
