// The RPCs the admin layer serves, as X-macro lists of (method, request, response), one list per
// gRPC service. The admin class declares a handler for each and the gRPC adapter overrides each
// generated method from the same list, so the two never drift apart.
#pragma once

#include "flyteidl/service/admin.grpc.pb.h"
#include "flyteidl/service/dataproxy.grpc.pb.h"
#include "flyteidl/service/signal.grpc.pb.h"

#define FLYTE_ADMIN_RPCS(X)                                                                                            \
  X(GetVersion, flyteidl::admin::GetVersionRequest, flyteidl::admin::GetVersionResponse)                               \
  X(RegisterProject, flyteidl::admin::ProjectRegisterRequest, flyteidl::admin::ProjectRegisterResponse)                \
  X(ListProjects, flyteidl::admin::ProjectListRequest, flyteidl::admin::Projects)                                      \
  X(GetProject, flyteidl::admin::ProjectGetRequest, flyteidl::admin::Project)                                          \
  X(UpdateProject, flyteidl::admin::Project, flyteidl::admin::ProjectUpdateResponse)                                   \
  X(GetDomains, flyteidl::admin::GetDomainRequest, flyteidl::admin::GetDomainsResponse)                                \
  X(CreateTask, flyteidl::admin::TaskCreateRequest, flyteidl::admin::TaskCreateResponse)                               \
  X(GetTask, flyteidl::admin::ObjectGetRequest, flyteidl::admin::Task)                                                 \
  X(ListTasks, flyteidl::admin::ResourceListRequest, flyteidl::admin::TaskList)                                        \
  X(ListTaskIds, flyteidl::admin::NamedEntityIdentifierListRequest, flyteidl::admin::NamedEntityIdentifierList)        \
  X(CreateWorkflow, flyteidl::admin::WorkflowCreateRequest, flyteidl::admin::WorkflowCreateResponse)                   \
  X(GetWorkflow, flyteidl::admin::ObjectGetRequest, flyteidl::admin::Workflow)                                         \
  X(ListWorkflows, flyteidl::admin::ResourceListRequest, flyteidl::admin::WorkflowList)                                \
  X(ListWorkflowIds, flyteidl::admin::NamedEntityIdentifierListRequest, flyteidl::admin::NamedEntityIdentifierList)    \
  X(CreateLaunchPlan, flyteidl::admin::LaunchPlanCreateRequest, flyteidl::admin::LaunchPlanCreateResponse)             \
  X(GetLaunchPlan, flyteidl::admin::ObjectGetRequest, flyteidl::admin::LaunchPlan)                                     \
  X(ListLaunchPlans, flyteidl::admin::ResourceListRequest, flyteidl::admin::LaunchPlanList)                            \
  X(ListLaunchPlanIds, flyteidl::admin::NamedEntityIdentifierListRequest, flyteidl::admin::NamedEntityIdentifierList)  \
  X(UpdateLaunchPlan, flyteidl::admin::LaunchPlanUpdateRequest, flyteidl::admin::LaunchPlanUpdateResponse)             \
  X(GetActiveLaunchPlan, flyteidl::admin::ActiveLaunchPlanRequest, flyteidl::admin::LaunchPlan)                        \
  X(ListActiveLaunchPlans, flyteidl::admin::ActiveLaunchPlanListRequest, flyteidl::admin::LaunchPlanList)              \
  X(GetNamedEntity, flyteidl::admin::NamedEntityGetRequest, flyteidl::admin::NamedEntity)                              \
  X(ListNamedEntities, flyteidl::admin::NamedEntityListRequest, flyteidl::admin::NamedEntityList)                      \
  X(UpdateNamedEntity, flyteidl::admin::NamedEntityUpdateRequest, flyteidl::admin::NamedEntityUpdateResponse)          \
  X(GetDescriptionEntity, flyteidl::admin::ObjectGetRequest, flyteidl::admin::DescriptionEntity)                       \
  X(ListDescriptionEntities, flyteidl::admin::DescriptionEntityListRequest, flyteidl::admin::DescriptionEntityList)    \
  X(UpdateProjectAttributes, flyteidl::admin::ProjectAttributesUpdateRequest,                                          \
    flyteidl::admin::ProjectAttributesUpdateResponse)                                                                  \
  X(GetProjectAttributes, flyteidl::admin::ProjectAttributesGetRequest, flyteidl::admin::ProjectAttributesGetResponse) \
  X(DeleteProjectAttributes, flyteidl::admin::ProjectAttributesDeleteRequest,                                          \
    flyteidl::admin::ProjectAttributesDeleteResponse)                                                                  \
  X(UpdateProjectDomainAttributes, flyteidl::admin::ProjectDomainAttributesUpdateRequest,                              \
    flyteidl::admin::ProjectDomainAttributesUpdateResponse)                                                            \
  X(GetProjectDomainAttributes, flyteidl::admin::ProjectDomainAttributesGetRequest,                                    \
    flyteidl::admin::ProjectDomainAttributesGetResponse)                                                               \
  X(DeleteProjectDomainAttributes, flyteidl::admin::ProjectDomainAttributesDeleteRequest,                              \
    flyteidl::admin::ProjectDomainAttributesDeleteResponse)                                                            \
  X(UpdateWorkflowAttributes, flyteidl::admin::WorkflowAttributesUpdateRequest,                                        \
    flyteidl::admin::WorkflowAttributesUpdateResponse)                                                                 \
  X(GetWorkflowAttributes, flyteidl::admin::WorkflowAttributesGetRequest,                                              \
    flyteidl::admin::WorkflowAttributesGetResponse)                                                                    \
  X(DeleteWorkflowAttributes, flyteidl::admin::WorkflowAttributesDeleteRequest,                                        \
    flyteidl::admin::WorkflowAttributesDeleteResponse)                                                                 \
  X(ListMatchableAttributes, flyteidl::admin::ListMatchableAttributesRequest,                                          \
    flyteidl::admin::ListMatchableAttributesResponse)                                                                  \
  X(GetExecution, flyteidl::admin::WorkflowExecutionGetRequest, flyteidl::admin::Execution)                            \
  X(ListExecutions, flyteidl::admin::ResourceListRequest, flyteidl::admin::ExecutionList)                              \
  X(UpdateExecution, flyteidl::admin::ExecutionUpdateRequest, flyteidl::admin::ExecutionUpdateResponse)                \
  X(GetExecutionData, flyteidl::admin::WorkflowExecutionGetDataRequest,                                                \
    flyteidl::admin::WorkflowExecutionGetDataResponse)                                                                 \
  X(GetNodeExecution, flyteidl::admin::NodeExecutionGetRequest, flyteidl::admin::NodeExecution)                        \
  X(ListNodeExecutions, flyteidl::admin::NodeExecutionListRequest, flyteidl::admin::NodeExecutionList)                 \
  X(GetNodeExecutionData, flyteidl::admin::NodeExecutionGetDataRequest, flyteidl::admin::NodeExecutionGetDataResponse) \
  X(GetDynamicNodeWorkflow, flyteidl::admin::GetDynamicNodeWorkflowRequest,                                            \
    flyteidl::admin::DynamicNodeWorkflowResponse)                                                                      \
  X(GetTaskExecution, flyteidl::admin::TaskExecutionGetRequest, flyteidl::admin::TaskExecution)                        \
  X(ListTaskExecutions, flyteidl::admin::TaskExecutionListRequest, flyteidl::admin::TaskExecutionList)                 \
  X(GetTaskExecutionData, flyteidl::admin::TaskExecutionGetDataRequest, flyteidl::admin::TaskExecutionGetDataResponse) \
  X(CreateExecution, flyteidl::admin::ExecutionCreateRequest, flyteidl::admin::ExecutionCreateResponse)                \
  X(RelaunchExecution, flyteidl::admin::ExecutionRelaunchRequest, flyteidl::admin::ExecutionCreateResponse)            \
  X(RecoverExecution, flyteidl::admin::ExecutionRecoverRequest, flyteidl::admin::ExecutionCreateResponse)              \
  X(TerminateExecution, flyteidl::admin::ExecutionTerminateRequest, flyteidl::admin::ExecutionTerminateResponse)       \
  X(GetExecutionMetrics, flyteidl::admin::WorkflowExecutionGetMetricsRequest,                                          \
    flyteidl::admin::WorkflowExecutionGetMetricsResponse)

#define FLYTE_DATA_PROXY_RPCS(X)                                                                                     \
  X(CreateUploadLocation, flyteidl::service::CreateUploadLocationRequest,                                            \
    flyteidl::service::CreateUploadLocationResponse)                                                                 \
  X(CreateDownloadLocation, flyteidl::service::CreateDownloadLocationRequest,                                        \
    flyteidl::service::CreateDownloadLocationResponse)                                                               \
  X(CreateDownloadLink, flyteidl::service::CreateDownloadLinkRequest, flyteidl::service::CreateDownloadLinkResponse) \
  X(GetData, flyteidl::service::GetDataRequest, flyteidl::service::GetDataResponse)

#define FLYTE_SIGNAL_RPCS(X)                                                               \
  X(GetOrCreateSignal, flyteidl::admin::SignalGetOrCreateRequest, flyteidl::admin::Signal) \
  X(ListSignals, flyteidl::admin::SignalListRequest, flyteidl::admin::SignalList)          \
  X(SetSignal, flyteidl::admin::SignalSetRequest, flyteidl::admin::SignalSetResponse)
