#include "server/grpc_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_builder.h>

#include "server/auth_grpc.h"
#include "server/unimplemented_interceptor.h"

namespace flyte::server {
namespace {

// flytekit pings every 30 s without calls; gRPC's default policy would answer with GOAWAY.
void ConfigureKeepalive(grpc::ServerBuilder& builder) {
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.SetMaxReceiveMessageSize(64 << 20);
  builder.SetMaxSendMessageSize(64 << 20);
}

}  // namespace

StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(admin::Admin& admin, const auth::Authenticator& authenticator) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  std::unique_ptr<GrpcServer> grpc_server(new GrpcServer(admin, authenticator));
  grpc::ServerBuilder builder;
  ConfigureKeepalive(builder);
  for (const auto& service : grpc_server->services_) builder.RegisterService(service.get());
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(MakeUnimplementedInterceptorFactory());
  interceptors.push_back(MakeAuthInterceptorFactory(authenticator));
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
