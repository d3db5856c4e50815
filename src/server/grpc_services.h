// gRPC adapters: each generated service method forwards to the admin layer and maps its Status.
// Methods the admin layer does not serve yet stay UNIMPLEMENTED (the generated default).
#pragma once

#include "admin/admin.h"

namespace flyte::server {

class AdminServiceImpl final : public flyteidl::service::AdminService::Service {
 public:
  explicit AdminServiceImpl(admin::Admin& admin) : admin_(admin) {}

#define FLYTE_OVERRIDE_RPC(method, request_type, response_type) \
  grpc::Status method(grpc::ServerContext*, const request_type* request, response_type* response) override;
  FLYTE_ADMIN_RPCS(FLYTE_OVERRIDE_RPC)

 private:
  admin::Admin& admin_;
};

class DataProxyServiceImpl final : public flyteidl::service::DataProxyService::Service {
 public:
  explicit DataProxyServiceImpl(admin::Admin& admin) : admin_(admin) {}

  FLYTE_DATA_PROXY_RPCS(FLYTE_OVERRIDE_RPC)

 private:
  admin::Admin& admin_;
};

class SignalServiceImpl final : public flyteidl::service::SignalService::Service {
 public:
  explicit SignalServiceImpl(admin::Admin& admin) : admin_(admin) {}

  FLYTE_SIGNAL_RPCS(FLYTE_OVERRIDE_RPC)
#undef FLYTE_OVERRIDE_RPC

 private:
  admin::Admin& admin_;
};

}  // namespace flyte::server
