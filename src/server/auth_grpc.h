// Authentication on the gRPC half: the check every served RPC makes before its handler runs, an
// interceptor that turns any other reply to an unauthenticated call into UNAUTHENTICATED (methods
// not served, which gRPC answers itself), and the AuthMetadataService clients read anonymously.
#pragma once

#include <grpcpp/impl/service_type.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/server_interceptor.h>

#include <memory>

#include "auth/auth.h"

namespace flyte::server {

// OK, or UNAUTHENTICATED when auth is required and the call's `flyte-authorization` (else
// `authorization`) metadata carries no valid bearer token.
grpc::Status CheckCallAuthorization(const auth::Authenticator& authenticator, const grpc::ServerContextBase& context);

// Methods any caller may use: AuthMetadataService (how to get a token), health and reflection
// (which describes only the public FlyteIDL API, and is a stream an interceptor cannot stop).
bool IsAnonymousMethod(std::string_view method);

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeAuthInterceptorFactory(
    const auth::Authenticator& authenticator);

// FlyteAdmin's AuthMetadataService over `authenticator`, which must outlive it.
std::unique_ptr<grpc::Service> MakeAuthMetadataGrpcService(const auth::Authenticator& authenticator);

}  // namespace flyte::server
