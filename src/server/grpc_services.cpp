#include "server/grpc_services.h"

#include <exception>

#include "server/status_mapping.h"

namespace flyte::server {
namespace {

// Calls one admin handler. Library exceptions must not escape into gRPC (which would answer UNKNOWN).
template <typename Service, typename Request, typename Response>
grpc::Status Serve(Service& service, Status (Service::*handler)(const Request&, Response*), const Request* request,
                   Response* response) {
  try {
    return ToGrpcStatus((service.*handler)(*request, response));
  } catch (const std::exception& e) {
    return grpc::Status(grpc::StatusCode::INTERNAL, e.what());
  }
}

}  // namespace

// admin::VersionService
grpc::Status AdminServiceImpl::GetVersion(grpc::ServerContext*, const flyteidl::admin::GetVersionRequest* request,
                                          flyteidl::admin::GetVersionResponse* response) {
  return Serve(admin_.version(), &admin::VersionService::GetVersion, request, response);
}

// admin::ProjectService
grpc::Status AdminServiceImpl::RegisterProject(grpc::ServerContext*,
                                               const flyteidl::admin::ProjectRegisterRequest* request,
                                               flyteidl::admin::ProjectRegisterResponse* response) {
  return Serve(admin_.projects(), &admin::ProjectService::RegisterProject, request, response);
}

grpc::Status AdminServiceImpl::ListProjects(grpc::ServerContext*, const flyteidl::admin::ProjectListRequest* request,
                                            flyteidl::admin::Projects* response) {
  return Serve(admin_.projects(), &admin::ProjectService::ListProjects, request, response);
}

grpc::Status AdminServiceImpl::GetProject(grpc::ServerContext*, const flyteidl::admin::ProjectGetRequest* request,
                                          flyteidl::admin::Project* response) {
  return Serve(admin_.projects(), &admin::ProjectService::GetProject, request, response);
}

grpc::Status AdminServiceImpl::UpdateProject(grpc::ServerContext*, const flyteidl::admin::Project* request,
                                             flyteidl::admin::ProjectUpdateResponse* response) {
  return Serve(admin_.projects(), &admin::ProjectService::UpdateProject, request, response);
}

grpc::Status AdminServiceImpl::GetDomains(grpc::ServerContext*, const flyteidl::admin::GetDomainRequest* request,
                                          flyteidl::admin::GetDomainsResponse* response) {
  return Serve(admin_.projects(), &admin::ProjectService::GetDomains, request, response);
}

// admin::EntityService
grpc::Status AdminServiceImpl::CreateTask(grpc::ServerContext*, const flyteidl::admin::TaskCreateRequest* request,
                                          flyteidl::admin::TaskCreateResponse* response) {
  return Serve(admin_.entities(), &admin::EntityService::CreateTask, request, response);
}

grpc::Status AdminServiceImpl::GetTask(grpc::ServerContext*, const flyteidl::admin::ObjectGetRequest* request,
                                       flyteidl::admin::Task* response) {
  return Serve(admin_.entities(), &admin::EntityService::GetTask, request, response);
}

grpc::Status AdminServiceImpl::ListTasks(grpc::ServerContext*, const flyteidl::admin::ResourceListRequest* request,
                                         flyteidl::admin::TaskList* response) {
  return Serve(admin_.entities(), &admin::EntityService::ListTasks, request, response);
}

grpc::Status AdminServiceImpl::ListTaskIds(grpc::ServerContext*,
                                           const flyteidl::admin::NamedEntityIdentifierListRequest* request,
                                           flyteidl::admin::NamedEntityIdentifierList* response) {
  return Serve(admin_.entities(), &admin::EntityService::ListTaskIds, request, response);
}

grpc::Status AdminServiceImpl::CreateWorkflow(grpc::ServerContext*,
                                              const flyteidl::admin::WorkflowCreateRequest* request,
                                              flyteidl::admin::WorkflowCreateResponse* response) {
  return Serve(admin_.entities(), &admin::EntityService::CreateWorkflow, request, response);
}

grpc::Status AdminServiceImpl::GetWorkflow(grpc::ServerContext*, const flyteidl::admin::ObjectGetRequest* request,
                                           flyteidl::admin::Workflow* response) {
  return Serve(admin_.entities(), &admin::EntityService::GetWorkflow, request, response);
}

grpc::Status AdminServiceImpl::ListWorkflows(grpc::ServerContext*, const flyteidl::admin::ResourceListRequest* request,
                                             flyteidl::admin::WorkflowList* response) {
  return Serve(admin_.entities(), &admin::EntityService::ListWorkflows, request, response);
}

grpc::Status AdminServiceImpl::ListWorkflowIds(grpc::ServerContext*,
                                               const flyteidl::admin::NamedEntityIdentifierListRequest* request,
                                               flyteidl::admin::NamedEntityIdentifierList* response) {
  return Serve(admin_.entities(), &admin::EntityService::ListWorkflowIds, request, response);
}

grpc::Status AdminServiceImpl::CreateLaunchPlan(grpc::ServerContext*,
                                                const flyteidl::admin::LaunchPlanCreateRequest* request,
                                                flyteidl::admin::LaunchPlanCreateResponse* response) {
  return Serve(admin_.entities(), &admin::EntityService::CreateLaunchPlan, request, response);
}

grpc::Status AdminServiceImpl::GetLaunchPlan(grpc::ServerContext*, const flyteidl::admin::ObjectGetRequest* request,
                                             flyteidl::admin::LaunchPlan* response) {
  return Serve(admin_.entities(), &admin::EntityService::GetLaunchPlan, request, response);
}

grpc::Status AdminServiceImpl::ListLaunchPlans(grpc::ServerContext*,
                                               const flyteidl::admin::ResourceListRequest* request,
                                               flyteidl::admin::LaunchPlanList* response) {
  return Serve(admin_.entities(), &admin::EntityService::ListLaunchPlans, request, response);
}

grpc::Status AdminServiceImpl::ListLaunchPlanIds(grpc::ServerContext*,
                                                 const flyteidl::admin::NamedEntityIdentifierListRequest* request,
                                                 flyteidl::admin::NamedEntityIdentifierList* response) {
  return Serve(admin_.entities(), &admin::EntityService::ListLaunchPlanIds, request, response);
}

grpc::Status AdminServiceImpl::UpdateLaunchPlan(grpc::ServerContext*,
                                                const flyteidl::admin::LaunchPlanUpdateRequest* request,
                                                flyteidl::admin::LaunchPlanUpdateResponse* response) {
  return Serve(admin_.entities(), &admin::EntityService::UpdateLaunchPlan, request, response);
}

grpc::Status AdminServiceImpl::GetActiveLaunchPlan(grpc::ServerContext*,
                                                   const flyteidl::admin::ActiveLaunchPlanRequest* request,
                                                   flyteidl::admin::LaunchPlan* response) {
  return Serve(admin_.entities(), &admin::EntityService::GetActiveLaunchPlan, request, response);
}

grpc::Status AdminServiceImpl::ListActiveLaunchPlans(grpc::ServerContext*,
                                                     const flyteidl::admin::ActiveLaunchPlanListRequest* request,
                                                     flyteidl::admin::LaunchPlanList* response) {
  return Serve(admin_.entities(), &admin::EntityService::ListActiveLaunchPlans, request, response);
}

grpc::Status AdminServiceImpl::GetNamedEntity(grpc::ServerContext*,
                                              const flyteidl::admin::NamedEntityGetRequest* request,
                                              flyteidl::admin::NamedEntity* response) {
  return Serve(admin_.entities(), &admin::EntityService::GetNamedEntity, request, response);
}

grpc::Status AdminServiceImpl::ListNamedEntities(grpc::ServerContext*,
                                                 const flyteidl::admin::NamedEntityListRequest* request,
                                                 flyteidl::admin::NamedEntityList* response) {
  return Serve(admin_.entities(), &admin::EntityService::ListNamedEntities, request, response);
}

grpc::Status AdminServiceImpl::UpdateNamedEntity(grpc::ServerContext*,
                                                 const flyteidl::admin::NamedEntityUpdateRequest* request,
                                                 flyteidl::admin::NamedEntityUpdateResponse* response) {
  return Serve(admin_.entities(), &admin::EntityService::UpdateNamedEntity, request, response);
}

grpc::Status AdminServiceImpl::GetDescriptionEntity(grpc::ServerContext*,
                                                    const flyteidl::admin::ObjectGetRequest* request,
                                                    flyteidl::admin::DescriptionEntity* response) {
  return Serve(admin_.entities(), &admin::EntityService::GetDescriptionEntity, request, response);
}

grpc::Status AdminServiceImpl::ListDescriptionEntities(grpc::ServerContext*,
                                                       const flyteidl::admin::DescriptionEntityListRequest* request,
                                                       flyteidl::admin::DescriptionEntityList* response) {
  return Serve(admin_.entities(), &admin::EntityService::ListDescriptionEntities, request, response);
}

// admin::AttributeService
grpc::Status AdminServiceImpl::UpdateProjectAttributes(grpc::ServerContext*,
                                                       const flyteidl::admin::ProjectAttributesUpdateRequest* request,
                                                       flyteidl::admin::ProjectAttributesUpdateResponse* response) {
  return Serve(admin_.attributes(), &admin::AttributeService::UpdateProjectAttributes, request, response);
}

grpc::Status AdminServiceImpl::GetProjectAttributes(grpc::ServerContext*,
                                                    const flyteidl::admin::ProjectAttributesGetRequest* request,
                                                    flyteidl::admin::ProjectAttributesGetResponse* response) {
  return Serve(admin_.attributes(), &admin::AttributeService::GetProjectAttributes, request, response);
}

grpc::Status AdminServiceImpl::DeleteProjectAttributes(grpc::ServerContext*,
                                                       const flyteidl::admin::ProjectAttributesDeleteRequest* request,
                                                       flyteidl::admin::ProjectAttributesDeleteResponse* response) {
  return Serve(admin_.attributes(), &admin::AttributeService::DeleteProjectAttributes, request, response);
}

grpc::Status AdminServiceImpl::UpdateProjectDomainAttributes(
    grpc::ServerContext*, const flyteidl::admin::ProjectDomainAttributesUpdateRequest* request,
    flyteidl::admin::ProjectDomainAttributesUpdateResponse* response) {
  return Serve(admin_.attributes(), &admin::AttributeService::UpdateProjectDomainAttributes, request, response);
}

grpc::Status AdminServiceImpl::GetProjectDomainAttributes(
    grpc::ServerContext*, const flyteidl::admin::ProjectDomainAttributesGetRequest* request,
    flyteidl::admin::ProjectDomainAttributesGetResponse* response) {
  return Serve(admin_.attributes(), &admin::AttributeService::GetProjectDomainAttributes, request, response);
}

grpc::Status AdminServiceImpl::DeleteProjectDomainAttributes(
    grpc::ServerContext*, const flyteidl::admin::ProjectDomainAttributesDeleteRequest* request,
    flyteidl::admin::ProjectDomainAttributesDeleteResponse* response) {
  return Serve(admin_.attributes(), &admin::AttributeService::DeleteProjectDomainAttributes, request, response);
}

grpc::Status AdminServiceImpl::UpdateWorkflowAttributes(grpc::ServerContext*,
                                                        const flyteidl::admin::WorkflowAttributesUpdateRequest* request,
                                                        flyteidl::admin::WorkflowAttributesUpdateResponse* response) {
  return Serve(admin_.attributes(), &admin::AttributeService::UpdateWorkflowAttributes, request, response);
}

grpc::Status AdminServiceImpl::GetWorkflowAttributes(grpc::ServerContext*,
                                                     const flyteidl::admin::WorkflowAttributesGetRequest* request,
                                                     flyteidl::admin::WorkflowAttributesGetResponse* response) {
  return Serve(admin_.attributes(), &admin::AttributeService::GetWorkflowAttributes, request, response);
}

grpc::Status AdminServiceImpl::DeleteWorkflowAttributes(grpc::ServerContext*,
                                                        const flyteidl::admin::WorkflowAttributesDeleteRequest* request,
                                                        flyteidl::admin::WorkflowAttributesDeleteResponse* response) {
  return Serve(admin_.attributes(), &admin::AttributeService::DeleteWorkflowAttributes, request, response);
}

grpc::Status AdminServiceImpl::ListMatchableAttributes(grpc::ServerContext*,
                                                       const flyteidl::admin::ListMatchableAttributesRequest* request,
                                                       flyteidl::admin::ListMatchableAttributesResponse* response) {
  return Serve(admin_.attributes(), &admin::AttributeService::ListMatchableAttributes, request, response);
}

// admin::ExecutionService
grpc::Status AdminServiceImpl::GetExecution(grpc::ServerContext*,
                                            const flyteidl::admin::WorkflowExecutionGetRequest* request,
                                            flyteidl::admin::Execution* response) {
  return Serve(admin_.executions(), &admin::ExecutionService::GetExecution, request, response);
}

grpc::Status AdminServiceImpl::ListExecutions(grpc::ServerContext*, const flyteidl::admin::ResourceListRequest* request,
                                              flyteidl::admin::ExecutionList* response) {
  return Serve(admin_.executions(), &admin::ExecutionService::ListExecutions, request, response);
}

grpc::Status AdminServiceImpl::UpdateExecution(grpc::ServerContext*,
                                               const flyteidl::admin::ExecutionUpdateRequest* request,
                                               flyteidl::admin::ExecutionUpdateResponse* response) {
  return Serve(admin_.executions(), &admin::ExecutionService::UpdateExecution, request, response);
}

grpc::Status AdminServiceImpl::GetExecutionData(grpc::ServerContext*,
                                                const flyteidl::admin::WorkflowExecutionGetDataRequest* request,
                                                flyteidl::admin::WorkflowExecutionGetDataResponse* response) {
  return Serve(admin_.executions(), &admin::ExecutionService::GetExecutionData, request, response);
}

grpc::Status AdminServiceImpl::CreateExecution(grpc::ServerContext*,
                                               const flyteidl::admin::ExecutionCreateRequest* request,
                                               flyteidl::admin::ExecutionCreateResponse* response) {
  return Serve(admin_.executions(), &admin::ExecutionService::CreateExecution, request, response);
}

grpc::Status AdminServiceImpl::RelaunchExecution(grpc::ServerContext*,
                                                 const flyteidl::admin::ExecutionRelaunchRequest* request,
                                                 flyteidl::admin::ExecutionCreateResponse* response) {
  return Serve(admin_.executions(), &admin::ExecutionService::RelaunchExecution, request, response);
}

grpc::Status AdminServiceImpl::RecoverExecution(grpc::ServerContext*,
                                                const flyteidl::admin::ExecutionRecoverRequest* request,
                                                flyteidl::admin::ExecutionCreateResponse* response) {
  return Serve(admin_.executions(), &admin::ExecutionService::RecoverExecution, request, response);
}

grpc::Status AdminServiceImpl::TerminateExecution(grpc::ServerContext*,
                                                  const flyteidl::admin::ExecutionTerminateRequest* request,
                                                  flyteidl::admin::ExecutionTerminateResponse* response) {
  return Serve(admin_.executions(), &admin::ExecutionService::TerminateExecution, request, response);
}

// admin::NodeExecutionService
grpc::Status AdminServiceImpl::GetNodeExecution(grpc::ServerContext*,
                                                const flyteidl::admin::NodeExecutionGetRequest* request,
                                                flyteidl::admin::NodeExecution* response) {
  return Serve(admin_.node_executions(), &admin::NodeExecutionService::GetNodeExecution, request, response);
}

grpc::Status AdminServiceImpl::ListNodeExecutions(grpc::ServerContext*,
                                                  const flyteidl::admin::NodeExecutionListRequest* request,
                                                  flyteidl::admin::NodeExecutionList* response) {
  return Serve(admin_.node_executions(), &admin::NodeExecutionService::ListNodeExecutions, request, response);
}

grpc::Status AdminServiceImpl::GetNodeExecutionData(grpc::ServerContext*,
                                                    const flyteidl::admin::NodeExecutionGetDataRequest* request,
                                                    flyteidl::admin::NodeExecutionGetDataResponse* response) {
  return Serve(admin_.node_executions(), &admin::NodeExecutionService::GetNodeExecutionData, request, response);
}

grpc::Status AdminServiceImpl::GetDynamicNodeWorkflow(grpc::ServerContext*,
                                                      const flyteidl::admin::GetDynamicNodeWorkflowRequest* request,
                                                      flyteidl::admin::DynamicNodeWorkflowResponse* response) {
  return Serve(admin_.node_executions(), &admin::NodeExecutionService::GetDynamicNodeWorkflow, request, response);
}

grpc::Status AdminServiceImpl::GetTaskExecution(grpc::ServerContext*,
                                                const flyteidl::admin::TaskExecutionGetRequest* request,
                                                flyteidl::admin::TaskExecution* response) {
  return Serve(admin_.node_executions(), &admin::NodeExecutionService::GetTaskExecution, request, response);
}

grpc::Status AdminServiceImpl::ListTaskExecutions(grpc::ServerContext*,
                                                  const flyteidl::admin::TaskExecutionListRequest* request,
                                                  flyteidl::admin::TaskExecutionList* response) {
  return Serve(admin_.node_executions(), &admin::NodeExecutionService::ListTaskExecutions, request, response);
}

grpc::Status AdminServiceImpl::GetTaskExecutionData(grpc::ServerContext*,
                                                    const flyteidl::admin::TaskExecutionGetDataRequest* request,
                                                    flyteidl::admin::TaskExecutionGetDataResponse* response) {
  return Serve(admin_.node_executions(), &admin::NodeExecutionService::GetTaskExecutionData, request, response);
}

// admin::MetricsService
grpc::Status AdminServiceImpl::GetExecutionMetrics(grpc::ServerContext*,
                                                   const flyteidl::admin::WorkflowExecutionGetMetricsRequest* request,
                                                   flyteidl::admin::WorkflowExecutionGetMetricsResponse* response) {
  return Serve(admin_.metrics(), &admin::MetricsService::GetExecutionMetrics, request, response);
}

// admin::DataProxyService
grpc::Status DataProxyServiceImpl::CreateUploadLocation(grpc::ServerContext*,
                                                        const flyteidl::service::CreateUploadLocationRequest* request,
                                                        flyteidl::service::CreateUploadLocationResponse* response) {
  return Serve(admin_.data_proxy(), &admin::DataProxyService::CreateUploadLocation, request, response);
}

grpc::Status DataProxyServiceImpl::CreateDownloadLocation(
    grpc::ServerContext*, const flyteidl::service::CreateDownloadLocationRequest* request,
    flyteidl::service::CreateDownloadLocationResponse* response) {
  return Serve(admin_.data_proxy(), &admin::DataProxyService::CreateDownloadLocation, request, response);
}

grpc::Status DataProxyServiceImpl::CreateDownloadLink(grpc::ServerContext*,
                                                      const flyteidl::service::CreateDownloadLinkRequest* request,
                                                      flyteidl::service::CreateDownloadLinkResponse* response) {
  return Serve(admin_.data_proxy(), &admin::DataProxyService::CreateDownloadLink, request, response);
}

grpc::Status DataProxyServiceImpl::GetData(grpc::ServerContext*, const flyteidl::service::GetDataRequest* request,
                                           flyteidl::service::GetDataResponse* response) {
  return Serve(admin_.data_proxy(), &admin::DataProxyService::GetData, request, response);
}

// admin::SignalService
grpc::Status SignalServiceImpl::GetOrCreateSignal(grpc::ServerContext*,
                                                  const flyteidl::admin::SignalGetOrCreateRequest* request,
                                                  flyteidl::admin::Signal* response) {
  return Serve(admin_.signals(), &admin::SignalService::GetOrCreateSignal, request, response);
}

grpc::Status SignalServiceImpl::ListSignals(grpc::ServerContext*, const flyteidl::admin::SignalListRequest* request,
                                            flyteidl::admin::SignalList* response) {
  return Serve(admin_.signals(), &admin::SignalService::ListSignals, request, response);
}

grpc::Status SignalServiceImpl::SetSignal(grpc::ServerContext*, const flyteidl::admin::SignalSetRequest* request,
                                          flyteidl::admin::SignalSetResponse* response) {
  return Serve(admin_.signals(), &admin::SignalService::SetSignal, request, response);
}

}  // namespace flyte::server
