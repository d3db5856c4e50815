#include "server/grpc_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/server_builder.h>

#include "server/auth_grpc.h"
#include "server/call_interceptor.h"
#include "server/grpc_log.h"
#include "server/unimplemented_interceptor.h"

namespace flyte::server {
namespace {

// flytekit pings every 30 s without calls; gRPC's default policy would answer with GOAWAY.
void ConfigureKeepalive(grpc::ServerBuilder& builder) {
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
}

// What one client may cost. gRPC 1.51 would otherwise take any number of streams per connection
// and a thread for each call waiting to run (a rapid-reset client grows it by gigabytes).
void ConfigureLimits(grpc::ServerBuilder& builder, const GrpcLimits& limits) {
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, limits.max_concurrent_streams);
  builder.SetMaxReceiveMessageSize(static_cast<int>(limits.max_message_bytes));
  builder.SetMaxSendMessageSize(static_cast<int>(limits.max_message_bytes));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                             static_cast<int>(std::chrono::milliseconds(limits.max_connection_idle).count()));
  grpc::ResourceQuota quota("flyte-grpc");
  quota.Resize(static_cast<size_t>(limits.memory_bytes));
  quota.SetMaxThreads(limits.max_threads);
  builder.SetResourceQuota(quota);
}

}  // namespace

StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(admin::Admin& admin, const auth::Authenticator& authenticator,
                                                        const GrpcLimits& limits) {
  RouteGrpcLogsToLog();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  std::unique_ptr<GrpcServer> grpc_server(new GrpcServer(admin, authenticator, limits));
  grpc::ServerBuilder builder;
  ConfigureKeepalive(builder);
  ConfigureLimits(builder, limits);
  for (const auto& service : grpc_server->services_) builder.RegisterService(service.get());
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(MakeUnimplementedInterceptorFactory());
  interceptors.push_back(MakeAuthInterceptorFactory(authenticator));
  interceptors.push_back(MakeCallInterceptorFactory(grpc_server->calls_));  // last: sees the status as sent
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  grpc_server->server_ = builder.BuildAndStart();
  if (!grpc_server->server_) return absl::InternalError("cannot start the gRPC server");
  return grpc_server;
}

std::shared_ptr<grpc::Channel> GrpcServer::InProcessChannel() {
  return server_->InProcessChannel(grpc::ChannelArguments());
}

void GrpcServer::Shutdown(std::chrono::seconds grace) { server_->Shutdown(std::chrono::system_clock::now() + grace); }

}  // namespace flyte::server
