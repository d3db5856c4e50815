#include "server/grpc_services.h"

#include <exception>

#include "server/status_mapping.h"

namespace flyte::server {
namespace {

// Library exceptions must not escape into gRPC (which would answer UNKNOWN).
template <typename Handler>
grpc::Status Guarded(Handler&& handler) {
  try {
    return ToGrpcStatus(handler());
  } catch (const std::exception& e) {
    return grpc::Status(grpc::StatusCode::INTERNAL, e.what());
  }
}

}  // namespace

#define FLYTE_DEFINE_RPC(service, method, request_type, response_type)                                       \
  grpc::Status service::method(grpc::ServerContext*, const request_type* request, response_type* response) { \
    return Guarded([&] { return admin_.method(*request, response); });                                       \
  }
#define FLYTE_DEFINE_ADMIN_RPC(method, request_type, response_type) \
  FLYTE_DEFINE_RPC(AdminServiceImpl, method, request_type, response_type)
#define FLYTE_DEFINE_DATA_PROXY_RPC(method, request_type, response_type) \
  FLYTE_DEFINE_RPC(DataProxyServiceImpl, method, request_type, response_type)
#define FLYTE_DEFINE_SIGNAL_RPC(method, request_type, response_type) \
  FLYTE_DEFINE_RPC(SignalServiceImpl, method, request_type, response_type)

FLYTE_ADMIN_RPCS(FLYTE_DEFINE_ADMIN_RPC)
FLYTE_DATA_PROXY_RPCS(FLYTE_DEFINE_DATA_PROXY_RPC)
FLYTE_SIGNAL_RPCS(FLYTE_DEFINE_SIGNAL_RPC)

}  // namespace flyte::server
