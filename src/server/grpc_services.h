// The gRPC adapter, and the one list of the RPCs this sandbox serves: each generated service
// method is overridden here and forwards to the admin service that owns it, mapping its Status.
// Methods not listed stay UNIMPLEMENTED (the generated default). The HTTP gateway calls these
// through the in-process channel.
#pragma once

#include "admin/admin.h"
#include "flyteidl/service/admin.grpc.pb.h"
#include "flyteidl/service/dataproxy.grpc.pb.h"
#include "flyteidl/service/signal.grpc.pb.h"

namespace flyte::server {

class AdminServiceImpl final : public flyteidl::service::AdminService::Service {
 public:
  explicit AdminServiceImpl(admin::Admin& admin) : admin_(admin) {}

  // admin::VersionService
  grpc::Status GetVersion(grpc::ServerContext* context, const flyteidl::admin::GetVersionRequest* request,
                          flyteidl::admin::GetVersionResponse* response) override;

  // admin::ProjectService
  grpc::Status RegisterProject(grpc::ServerContext* context, const flyteidl::admin::ProjectRegisterRequest* request,
                               flyteidl::admin::ProjectRegisterResponse* response) override;
  grpc::Status ListProjects(grpc::ServerContext* context, const flyteidl::admin::ProjectListRequest* request,
                            flyteidl::admin::Projects* response) override;
  grpc::Status GetProject(grpc::ServerContext* context, const flyteidl::admin::ProjectGetRequest* request,
                          flyteidl::admin::Project* response) override;
  grpc::Status UpdateProject(grpc::ServerContext* context, const flyteidl::admin::Project* request,
                             flyteidl::admin::ProjectUpdateResponse* response) override;
  grpc::Status GetDomains(grpc::ServerContext* context, const flyteidl::admin::GetDomainRequest* request,
                          flyteidl::admin::GetDomainsResponse* response) override;

  // admin::EntityService
  grpc::Status CreateTask(grpc::ServerContext* context, const flyteidl::admin::TaskCreateRequest* request,
                          flyteidl::admin::TaskCreateResponse* response) override;
  grpc::Status GetTask(grpc::ServerContext* context, const flyteidl::admin::ObjectGetRequest* request,
                       flyteidl::admin::Task* response) override;
  grpc::Status ListTasks(grpc::ServerContext* context, const flyteidl::admin::ResourceListRequest* request,
                         flyteidl::admin::TaskList* response) override;
  grpc::Status ListTaskIds(grpc::ServerContext* context,
                           const flyteidl::admin::NamedEntityIdentifierListRequest* request,
                           flyteidl::admin::NamedEntityIdentifierList* response) override;
  grpc::Status CreateWorkflow(grpc::ServerContext* context, const flyteidl::admin::WorkflowCreateRequest* request,
                              flyteidl::admin::WorkflowCreateResponse* response) override;
  grpc::Status GetWorkflow(grpc::ServerContext* context, const flyteidl::admin::ObjectGetRequest* request,
                           flyteidl::admin::Workflow* response) override;
  grpc::Status ListWorkflows(grpc::ServerContext* context, const flyteidl::admin::ResourceListRequest* request,
                             flyteidl::admin::WorkflowList* response) override;
  grpc::Status ListWorkflowIds(grpc::ServerContext* context,
                               const flyteidl::admin::NamedEntityIdentifierListRequest* request,
                               flyteidl::admin::NamedEntityIdentifierList* response) override;
  grpc::Status CreateLaunchPlan(grpc::ServerContext* context, const flyteidl::admin::LaunchPlanCreateRequest* request,
                                flyteidl::admin::LaunchPlanCreateResponse* response) override;
  grpc::Status GetLaunchPlan(grpc::ServerContext* context, const flyteidl::admin::ObjectGetRequest* request,
                             flyteidl::admin::LaunchPlan* response) override;
  grpc::Status ListLaunchPlans(grpc::ServerContext* context, const flyteidl::admin::ResourceListRequest* request,
                               flyteidl::admin::LaunchPlanList* response) override;
  grpc::Status ListLaunchPlanIds(grpc::ServerContext* context,
                                 const flyteidl::admin::NamedEntityIdentifierListRequest* request,
                                 flyteidl::admin::NamedEntityIdentifierList* response) override;
  grpc::Status UpdateLaunchPlan(grpc::ServerContext* context, const flyteidl::admin::LaunchPlanUpdateRequest* request,
                                flyteidl::admin::LaunchPlanUpdateResponse* response) override;
  grpc::Status GetActiveLaunchPlan(grpc::ServerContext* context,
                                   const flyteidl::admin::ActiveLaunchPlanRequest* request,
                                   flyteidl::admin::LaunchPlan* response) override;
  grpc::Status ListActiveLaunchPlans(grpc::ServerContext* context,
                                     const flyteidl::admin::ActiveLaunchPlanListRequest* request,
                                     flyteidl::admin::LaunchPlanList* response) override;
  grpc::Status GetNamedEntity(grpc::ServerContext* context, const flyteidl::admin::NamedEntityGetRequest* request,
                              flyteidl::admin::NamedEntity* response) override;
  grpc::Status ListNamedEntities(grpc::ServerContext* context, const flyteidl::admin::NamedEntityListRequest* request,
                                 flyteidl::admin::NamedEntityList* response) override;
  grpc::Status UpdateNamedEntity(grpc::ServerContext* context, const flyteidl::admin::NamedEntityUpdateRequest* request,
                                 flyteidl::admin::NamedEntityUpdateResponse* response) override;
  grpc::Status GetDescriptionEntity(grpc::ServerContext* context, const flyteidl::admin::ObjectGetRequest* request,
                                    flyteidl::admin::DescriptionEntity* response) override;
  grpc::Status ListDescriptionEntities(grpc::ServerContext* context,
                                       const flyteidl::admin::DescriptionEntityListRequest* request,
                                       flyteidl::admin::DescriptionEntityList* response) override;

  // admin::AttributeService
  grpc::Status UpdateProjectAttributes(grpc::ServerContext* context,
                                       const flyteidl::admin::ProjectAttributesUpdateRequest* request,
                                       flyteidl::admin::ProjectAttributesUpdateResponse* response) override;
  grpc::Status GetProjectAttributes(grpc::ServerContext* context,
                                    const flyteidl::admin::ProjectAttributesGetRequest* request,
                                    flyteidl::admin::ProjectAttributesGetResponse* response) override;
  grpc::Status DeleteProjectAttributes(grpc::ServerContext* context,
                                       const flyteidl::admin::ProjectAttributesDeleteRequest* request,
                                       flyteidl::admin::ProjectAttributesDeleteResponse* response) override;
  grpc::Status UpdateProjectDomainAttributes(grpc::ServerContext* context,
                                             const flyteidl::admin::ProjectDomainAttributesUpdateRequest* request,
                                             flyteidl::admin::ProjectDomainAttributesUpdateResponse* response) override;
  grpc::Status GetProjectDomainAttributes(grpc::ServerContext* context,
                                          const flyteidl::admin::ProjectDomainAttributesGetRequest* request,
                                          flyteidl::admin::ProjectDomainAttributesGetResponse* response) override;
  grpc::Status DeleteProjectDomainAttributes(grpc::ServerContext* context,
                                             const flyteidl::admin::ProjectDomainAttributesDeleteRequest* request,
                                             flyteidl::admin::ProjectDomainAttributesDeleteResponse* response) override;
  grpc::Status UpdateWorkflowAttributes(grpc::ServerContext* context,
                                        const flyteidl::admin::WorkflowAttributesUpdateRequest* request,
                                        flyteidl::admin::WorkflowAttributesUpdateResponse* response) override;
  grpc::Status GetWorkflowAttributes(grpc::ServerContext* context,
                                     const flyteidl::admin::WorkflowAttributesGetRequest* request,
                                     flyteidl::admin::WorkflowAttributesGetResponse* response) override;
  grpc::Status DeleteWorkflowAttributes(grpc::ServerContext* context,
                                        const flyteidl::admin::WorkflowAttributesDeleteRequest* request,
                                        flyteidl::admin::WorkflowAttributesDeleteResponse* response) override;
  grpc::Status ListMatchableAttributes(grpc::ServerContext* context,
                                       const flyteidl::admin::ListMatchableAttributesRequest* request,
                                       flyteidl::admin::ListMatchableAttributesResponse* response) override;

  // admin::ExecutionService
  grpc::Status GetExecution(grpc::ServerContext* context, const flyteidl::admin::WorkflowExecutionGetRequest* request,
                            flyteidl::admin::Execution* response) override;
  grpc::Status ListExecutions(grpc::ServerContext* context, const flyteidl::admin::ResourceListRequest* request,
                              flyteidl::admin::ExecutionList* response) override;
  grpc::Status UpdateExecution(grpc::ServerContext* context, const flyteidl::admin::ExecutionUpdateRequest* request,
                               flyteidl::admin::ExecutionUpdateResponse* response) override;
  grpc::Status GetExecutionData(grpc::ServerContext* context,
                                const flyteidl::admin::WorkflowExecutionGetDataRequest* request,
                                flyteidl::admin::WorkflowExecutionGetDataResponse* response) override;
  grpc::Status CreateExecution(grpc::ServerContext* context, const flyteidl::admin::ExecutionCreateRequest* request,
                               flyteidl::admin::ExecutionCreateResponse* response) override;
  grpc::Status RelaunchExecution(grpc::ServerContext* context, const flyteidl::admin::ExecutionRelaunchRequest* request,
                                 flyteidl::admin::ExecutionCreateResponse* response) override;
  grpc::Status RecoverExecution(grpc::ServerContext* context, const flyteidl::admin::ExecutionRecoverRequest* request,
                                flyteidl::admin::ExecutionCreateResponse* response) override;
  grpc::Status TerminateExecution(grpc::ServerContext* context,
                                  const flyteidl::admin::ExecutionTerminateRequest* request,
                                  flyteidl::admin::ExecutionTerminateResponse* response) override;

  // admin::NodeExecutionService
  grpc::Status GetNodeExecution(grpc::ServerContext* context, const flyteidl::admin::NodeExecutionGetRequest* request,
                                flyteidl::admin::NodeExecution* response) override;
  grpc::Status ListNodeExecutions(grpc::ServerContext* context,
                                  const flyteidl::admin::NodeExecutionListRequest* request,
                                  flyteidl::admin::NodeExecutionList* response) override;
  grpc::Status GetNodeExecutionData(grpc::ServerContext* context,
                                    const flyteidl::admin::NodeExecutionGetDataRequest* request,
                                    flyteidl::admin::NodeExecutionGetDataResponse* response) override;
  grpc::Status GetDynamicNodeWorkflow(grpc::ServerContext* context,
                                      const flyteidl::admin::GetDynamicNodeWorkflowRequest* request,
                                      flyteidl::admin::DynamicNodeWorkflowResponse* response) override;
  grpc::Status GetTaskExecution(grpc::ServerContext* context, const flyteidl::admin::TaskExecutionGetRequest* request,
                                flyteidl::admin::TaskExecution* response) override;
  grpc::Status ListTaskExecutions(grpc::ServerContext* context,
                                  const flyteidl::admin::TaskExecutionListRequest* request,
                                  flyteidl::admin::TaskExecutionList* response) override;
  grpc::Status GetTaskExecutionData(grpc::ServerContext* context,
                                    const flyteidl::admin::TaskExecutionGetDataRequest* request,
                                    flyteidl::admin::TaskExecutionGetDataResponse* response) override;

  // admin::MetricsService
  grpc::Status GetExecutionMetrics(grpc::ServerContext* context,
                                   const flyteidl::admin::WorkflowExecutionGetMetricsRequest* request,
                                   flyteidl::admin::WorkflowExecutionGetMetricsResponse* response) override;

 private:
  admin::Admin& admin_;
};

class DataProxyServiceImpl final : public flyteidl::service::DataProxyService::Service {
 public:
  explicit DataProxyServiceImpl(admin::Admin& admin) : admin_(admin) {}

  // admin::DataProxyService
  grpc::Status CreateUploadLocation(grpc::ServerContext* context,
                                    const flyteidl::service::CreateUploadLocationRequest* request,
                                    flyteidl::service::CreateUploadLocationResponse* response) override;
  grpc::Status CreateDownloadLocation(grpc::ServerContext* context,
                                      const flyteidl::service::CreateDownloadLocationRequest* request,
                                      flyteidl::service::CreateDownloadLocationResponse* response) override;
  grpc::Status CreateDownloadLink(grpc::ServerContext* context,
                                  const flyteidl::service::CreateDownloadLinkRequest* request,
                                  flyteidl::service::CreateDownloadLinkResponse* response) override;
  grpc::Status GetData(grpc::ServerContext* context, const flyteidl::service::GetDataRequest* request,
                       flyteidl::service::GetDataResponse* response) override;

 private:
  admin::Admin& admin_;
};

class SignalServiceImpl final : public flyteidl::service::SignalService::Service {
 public:
  explicit SignalServiceImpl(admin::Admin& admin) : admin_(admin) {}

  // admin::SignalService
  grpc::Status GetOrCreateSignal(grpc::ServerContext* context, const flyteidl::admin::SignalGetOrCreateRequest* request,
                                 flyteidl::admin::Signal* response) override;
  grpc::Status ListSignals(grpc::ServerContext* context, const flyteidl::admin::SignalListRequest* request,
                           flyteidl::admin::SignalList* response) override;
  grpc::Status SetSignal(grpc::ServerContext* context, const flyteidl::admin::SignalSetRequest* request,
                         flyteidl::admin::SignalSetResponse* response) override;

 private:
  admin::Admin& admin_;
};

}  // namespace flyte::server
