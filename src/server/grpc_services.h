// The gRPC adapter: the generated AdminService, DataProxyService and SignalService, each served
// RPC checking the caller's token then forwarding to the admin service that owns it
// (grpc_services.cpp holds the one list of served RPCs), and the anonymous AuthMetadataService.
// Methods not listed stay UNIMPLEMENTED (the generated default). The HTTP gateway calls them
// through the in-process channel.
#pragma once

#include <google/protobuf/descriptor.h>
#include <grpcpp/impl/service_type.h>

#include <memory>
#include <vector>

#include "admin/admin.h"
#include "auth/auth.h"

namespace flyte::server {

// The four services over `admin` and `authenticator`, which must outlive them.
std::vector<std::unique_ptr<grpc::Service>> MakeGrpcServices(admin::Admin& admin,
                                                             const auth::Authenticator& authenticator);

// Their descriptors (the gateway derives its routes from them).
std::vector<const google::protobuf::ServiceDescriptor*> ServedServiceDescriptors();

}  // namespace flyte::server
