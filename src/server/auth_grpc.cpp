#include "server/auth_grpc.h"

#include <string>

#include "flyteidl/service/auth.grpc.pb.h"
#include "server/status_mapping.h"

namespace flyte::server {
namespace {

std::string_view Metadata(const grpc::ServerContextBase& context, std::string_view key) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  return it == metadata.end() ? std::string_view() : std::string_view(it->second.data(), it->second.size());
}

// Rewrites the status of a call that was not authenticated: whatever gRPC or a handler answered,
// the caller learns only that it must authenticate.
class AuthInterceptor final : public grpc::experimental::Interceptor {
 public:
  AuthInterceptor(const auth::Authenticator& authenticator, grpc::experimental::ServerRpcInfo* info)
      : authenticator_(authenticator), info_(info) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS) &&
        !IsAnonymousMethod(info_->method())) {
      grpc::Status verdict = CheckCallAuthorization(authenticator_, *info_->server_context());
      if (!verdict.ok()) methods->ModifySendStatus(verdict);
    }
    methods->Proceed();
  }

 private:
  const auth::Authenticator& authenticator_;
  grpc::experimental::ServerRpcInfo* info_;
};

class AuthInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit AuthInterceptorFactory(const auth::Authenticator& authenticator) : authenticator_(authenticator) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return authenticator_.required() ? new AuthInterceptor(authenticator_, info) : nullptr;
  }

 private:
  const auth::Authenticator& authenticator_;
};

class AuthMetadataGrpcService final : public flyteidl::service::AuthMetadataService::Service {
 public:
  explicit AuthMetadataGrpcService(const auth::Authenticator& authenticator) : service_(authenticator) {}

  grpc::Status GetOAuth2Metadata(grpc::ServerContext*, const flyteidl::service::OAuth2MetadataRequest* request,
                                 flyteidl::service::OAuth2MetadataResponse* response) override {
    return ToGrpcStatus(service_.GetOAuth2Metadata(*request, response));
  }
  grpc::Status GetPublicClientConfig(grpc::ServerContext*,
                                     const flyteidl::service::PublicClientAuthConfigRequest* request,
                                     flyteidl::service::PublicClientAuthConfigResponse* response) override {
    return ToGrpcStatus(service_.GetPublicClientConfig(*request, response));
  }

 private:
  auth::AuthMetadataService service_;
};

}  // namespace

grpc::Status CheckCallAuthorization(const auth::Authenticator& authenticator, const grpc::ServerContextBase& context) {
  std::string_view authorization = Metadata(context, auth::kFlyteAuthorizationKey);
  if (authorization.empty()) authorization = Metadata(context, "authorization");
  return ToGrpcStatus(authenticator.CheckAuthorization(authorization));
}

bool IsAnonymousMethod(std::string_view method) {
  return method.starts_with("/flyteidl.service.AuthMetadataService/") ||
         method.starts_with("/grpc.health.v1.Health/") || method.starts_with("/grpc.reflection.");
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeAuthInterceptorFactory(
    const auth::Authenticator& authenticator) {
  return std::make_unique<AuthInterceptorFactory>(authenticator);
}

std::unique_ptr<grpc::Service> MakeAuthMetadataGrpcService(const auth::Authenticator& authenticator) {
  return std::make_unique<AuthMetadataGrpcService>(authenticator);
}

}  // namespace flyte::server
