// Gives UNIMPLEMENTED replies a message naming the method, so a client that calls an RPC this
// sandbox does not serve yet (e.g. CreateExecution before the engine) gets a clear error
// instead of a bare status code.
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <memory>

namespace flyte::server {

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeUnimplementedInterceptorFactory();

}  // namespace flyte::server
