#include "server/grpc_services.h"

#include <exception>
#include <type_traits>

#include "flyteidl/service/admin.grpc.pb.h"
#include "flyteidl/service/auth.grpc.pb.h"
#include "flyteidl/service/dataproxy.grpc.pb.h"
#include "flyteidl/service/signal.grpc.pb.h"
#include "server/auth_grpc.h"
#include "server/status_mapping.h"

namespace flyte::server {
namespace {

// The served RPCs, one table per gRPC service: (method, the accessor of admin::Admin that returns
// the service owning it). Each forwards to the handler of the same name on that service.
#define FLYTE_ADMIN_SERVICE_RPCS(X)            \
  X(GetVersion, version)                       \
  X(RegisterProject, projects)                 \
  X(ListProjects, projects)                    \
  X(GetProject, projects)                      \
  X(UpdateProject, projects)                   \
  X(GetDomains, projects)                      \
  X(CreateTask, entities)                      \
  X(GetTask, entities)                         \
  X(ListTasks, entities)                       \
  X(ListTaskIds, entities)                     \
  X(CreateWorkflow, entities)                  \
  X(GetWorkflow, entities)                     \
  X(ListWorkflows, entities)                   \
  X(ListWorkflowIds, entities)                 \
  X(CreateLaunchPlan, entities)                \
  X(GetLaunchPlan, entities)                   \
  X(ListLaunchPlans, entities)                 \
  X(ListLaunchPlanIds, entities)               \
  X(UpdateLaunchPlan, entities)                \
  X(GetActiveLaunchPlan, entities)             \
  X(ListActiveLaunchPlans, entities)           \
  X(GetNamedEntity, entities)                  \
  X(ListNamedEntities, entities)               \
  X(UpdateNamedEntity, entities)               \
  X(GetDescriptionEntity, entities)            \
  X(ListDescriptionEntities, entities)         \
  X(UpdateProjectAttributes, attributes)       \
  X(GetProjectAttributes, attributes)          \
  X(DeleteProjectAttributes, attributes)       \
  X(UpdateProjectDomainAttributes, attributes) \
  X(GetProjectDomainAttributes, attributes)    \
  X(DeleteProjectDomainAttributes, attributes) \
  X(UpdateWorkflowAttributes, attributes)      \
  X(GetWorkflowAttributes, attributes)         \
  X(DeleteWorkflowAttributes, attributes)      \
  X(ListMatchableAttributes, attributes)       \
  X(CreateExecution, executions)               \
  X(RelaunchExecution, executions)             \
  X(RecoverExecution, executions)              \
  X(TerminateExecution, executions)            \
  X(GetExecution, executions)                  \
  X(ListExecutions, executions)                \
  X(UpdateExecution, executions)               \
  X(GetExecutionData, executions)              \
  X(GetNodeExecution, node_executions)         \
  X(ListNodeExecutions, node_executions)       \
  X(GetNodeExecutionData, node_executions)     \
  X(GetDynamicNodeWorkflow, node_executions)   \
  X(GetTaskExecution, node_executions)         \
  X(ListTaskExecutions, node_executions)       \
  X(GetTaskExecutionData, node_executions)     \
  X(GetExecutionMetrics, metrics)

#define FLYTE_DATA_PROXY_SERVICE_RPCS(X) \
  X(CreateUploadLocation, data_proxy)    \
  X(CreateDownloadLocation, data_proxy)  \
  X(CreateDownloadLink, data_proxy)      \
  X(GetData, data_proxy)

#define FLYTE_SIGNAL_SERVICE_RPCS(X) \
  X(GetOrCreateSignal, signals)      \
  X(ListSignals, signals)            \
  X(SetSignal, signals)

// The request and response types of a generated synchronous method.
template <typename Method>
struct Rpc;
template <typename Base, typename Request_, typename Response_>
struct Rpc<grpc::Status (Base::*)(grpc::ServerContext*, const Request_*, Response_*)> {
  using Request = Request_;
  using Response = Response_;
};

// Calls one admin handler once the caller is authenticated. Library exceptions must not escape
// into gRPC (which would answer UNKNOWN).
template <typename Service, typename Request, typename Response>
grpc::Status Serve(const auth::Authenticator& authenticator, const grpc::ServerContextBase& context, Service& service,
                   Status (Service::*handler)(const Request&, Response*), const Request* request, Response* response) {
  if (grpc::Status verdict = CheckCallAuthorization(authenticator, context); !verdict.ok()) return verdict;
  try {
    return ToGrpcStatus((service.*handler)(*request, response));
  } catch (const std::exception& e) {
    return grpc::Status(grpc::StatusCode::INTERNAL, e.what());
  }
}

#define FLYTE_FORWARD_RPC(method, owner)                                                                               \
  grpc::Status method(grpc::ServerContext* context, const Rpc<decltype(&Generated::method)>::Request* request,         \
                      Rpc<decltype(&Generated::method)>::Response* response) override {                                \
    return Serve(auth_, *context, admin_.owner(), &std::remove_reference_t<decltype(admin_.owner())>::method, request, \
                 response);                                                                                            \
  }

#define FLYTE_DEFINE_SERVICE(name, generated, rpcs)                                            \
  class name final : public generated {                                                        \
   public:                                                                                     \
    using Generated = generated;                                                               \
    name(admin::Admin& admin, const auth::Authenticator& auth) : admin_(admin), auth_(auth) {} \
    rpcs(FLYTE_FORWARD_RPC)                                                                    \
                                                                                               \
        private : admin::Admin& admin_;                                                        \
    const auth::Authenticator& auth_;                                                          \
  };

FLYTE_DEFINE_SERVICE(AdminServiceImpl, flyteidl::service::AdminService::Service, FLYTE_ADMIN_SERVICE_RPCS)
FLYTE_DEFINE_SERVICE(DataProxyServiceImpl, flyteidl::service::DataProxyService::Service, FLYTE_DATA_PROXY_SERVICE_RPCS)
FLYTE_DEFINE_SERVICE(SignalServiceImpl, flyteidl::service::SignalService::Service, FLYTE_SIGNAL_SERVICE_RPCS)

}  // namespace

std::vector<std::unique_ptr<grpc::Service>> MakeGrpcServices(admin::Admin& admin,
                                                             const auth::Authenticator& authenticator) {
  std::vector<std::unique_ptr<grpc::Service>> services;
  services.push_back(std::make_unique<AdminServiceImpl>(admin, authenticator));
  services.push_back(std::make_unique<DataProxyServiceImpl>(admin, authenticator));
  services.push_back(std::make_unique<SignalServiceImpl>(admin, authenticator));
  services.push_back(MakeAuthMetadataGrpcService(authenticator));
  return services;
}

std::vector<const google::protobuf::ServiceDescriptor*> ServedServiceDescriptors() {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  return {pool->FindServiceByName(flyteidl::service::AdminService::service_full_name()),
          pool->FindServiceByName(flyteidl::service::DataProxyService::service_full_name()),
          pool->FindServiceByName(flyteidl::service::SignalService::service_full_name()),
          pool->FindServiceByName(flyteidl::service::AuthMetadataService::service_full_name())};
}

}  // namespace flyte::server
