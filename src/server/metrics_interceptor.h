// Prometheus metrics of every gRPC call, those of the JSON gateway included (it calls through the
// in-process channel): calls by service, method and status code, and their latency.
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <memory>

namespace flyte::server {

// Register it last: it records the status the other interceptors leave.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeMetricsInterceptorFactory();

}  // namespace flyte::server
