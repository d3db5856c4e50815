// The gRPC half of the port: the admin layer's services (AdminService, DataProxyService,
// SignalService, plus health and reflection) in one grpc::Server with no port of its own; the
// listener hands it the connections that start with the HTTP/2 preface.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/server.h>

#include <chrono>
#include <memory>
#include <vector>

#include "admin/admin.h"
#include "auth/auth.h"
#include "common/status.h"
#include "server/call_budget.h"
#include "server/grpc_services.h"
#include "server/server_config.h"

namespace flyte::server {

class GrpcServer {
 public:
  // INTERNAL when gRPC cannot start. `admin` and `authenticator` must outlive the server.
  static StatusOr<std::unique_ptr<GrpcServer>> Start(admin::Admin& admin, const auth::Authenticator& authenticator,
                                                     const GrpcLimits& limits);

  grpc::Server* server() { return server_.get(); }
  // The calls its connections may have in it at once (the HTTP/2 front takes their shares).
  const std::shared_ptr<CallBudget>& calls() const { return calls_; }
  // A channel into this server without a socket (the JSON gateway's).
  std::shared_ptr<grpc::Channel> InProcessChannel();
  // Stops taking calls; waits for running ones up to `grace`, then cancels them.
  void Shutdown(std::chrono::seconds grace);

 private:
  GrpcServer(admin::Admin& admin, const auth::Authenticator& authenticator, const GrpcLimits& limits)
      : services_(MakeGrpcServices(admin, authenticator)),
        calls_(std::make_shared<CallBudget>(limits.max_calls_in_flight)) {}

  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::shared_ptr<CallBudget> calls_;     // shared with the front's connections, which may outlive Shutdown
  std::unique_ptr<grpc::Server> server_;  // declared last: goes before the services it calls
};

}  // namespace flyte::server
