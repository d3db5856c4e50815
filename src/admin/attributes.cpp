// Matchable attributes at project, project-domain and workflow scope (FlyteAdmin's resource
// manager): one record per scope and resource type.
#include "admin/attribute_service.h"
#include "admin/execution_config.h"
#include "admin/project_domain.h"
#include "admin/validation.h"

namespace flyte::admin {
namespace {

using flyteidl::admin::MatchingAttributes;

// MatchingAttributes' oneof field numbers are the MatchableResource values plus one.
StatusOr<int> ResourceTypeOf(const MatchingAttributes& attributes) {
  if (attributes.target_case() == MatchingAttributes::TARGET_NOT_SET) {
    return absl::InvalidArgumentError("missing matching_attributes");
  }
  return static_cast<int>(attributes.target_case()) - 1;
}

store::AttributesKey Key(int resource_type, const std::string& project, const std::string& domain = "",
                         const std::string& workflow = "") {
  return {resource_type, project, domain, workflow, ""};
}

// FlyteAdmin answers OK when nothing was set (flytectl's delete then exits 0).
Status DeleteIfSet(store::Registry& registry, const store::AttributesKey& scope) {
  Status status = registry.DeleteAttributes(scope);
  return absl::IsNotFound(status) ? absl::OkStatus() : status;
}

}  // namespace

Status AttributeService::PutAttributes(const store::AttributesKey& scope, const MatchingAttributes& attributes) {
  RETURN_IF_ERROR(RequireField(scope.project, "project"));
  if (scope.domain.empty()) {
    RETURN_IF_ERROR(deps_.registry.GetProject(scope.project).status());
  } else {
    RETURN_IF_ERROR(CheckProjectDomain(deps_.registry, deps_.config, scope.project, scope.domain));
  }
  ASSIGN_OR_RETURN(int resource_type, ResourceTypeOf(attributes));
  store::AttributesKey key = scope;
  key.resource_type = resource_type;
  return deps_.registry.PutAttributes({key, attributes.SerializeAsString()});
}

StatusOr<MatchingAttributes> AttributeService::FetchAttributes(const store::AttributesKey& key) {
  RETURN_IF_ERROR(RequireField(key.project, "project"));
  ASSIGN_OR_RETURN(store::AttributesRow row, deps_.registry.GetAttributes(key));
  MatchingAttributes attributes;
  if (!attributes.ParseFromString(row.payload)) return absl::InternalError("corrupt attributes record");
  return attributes;
}

Status AttributeService::UpdateProjectAttributes(const flyteidl::admin::ProjectAttributesUpdateRequest& request,
                                                 flyteidl::admin::ProjectAttributesUpdateResponse*) {
  const auto& in = request.attributes();
  return PutAttributes(Key(0, in.project()), in.matching_attributes());
}

Status AttributeService::GetProjectAttributes(const flyteidl::admin::ProjectAttributesGetRequest& request,
                                              flyteidl::admin::ProjectAttributesGetResponse* response) {
  response->mutable_attributes()->set_project(request.project());
  StatusOr<MatchingAttributes> stored = FetchAttributes(Key(request.resource_type(), request.project()));
  if (request.resource_type() != flyteidl::admin::WORKFLOW_EXECUTION_CONFIG) {
    if (!stored.ok()) return stored.status();
    *response->mutable_attributes()->mutable_matching_attributes() = *std::move(stored);
    return absl::OkStatus();
  }
  // As FlyteAdmin: a project's execution settings are shown with the platform's defaults filled
  // in, and as the defaults alone when the project sets none.
  if (!stored.ok() && !absl::IsNotFound(stored.status())) return stored.status();
  StatusOr<store::ProjectRow> project = deps_.registry.GetProject(request.project());
  if (absl::IsNotFound(project.status())) {
    return absl::InvalidArgumentError("project " + request.project() + " is not registered");
  }
  RETURN_IF_ERROR(project.status());
  auto* config = response->mutable_attributes()->mutable_matching_attributes()->mutable_workflow_execution_config();
  if (stored.ok()) *config = stored->workflow_execution_config();
  MergeExecutionConfig(PlatformExecutionConfig(), config);
  return absl::OkStatus();
}

Status AttributeService::DeleteProjectAttributes(const flyteidl::admin::ProjectAttributesDeleteRequest& request,
                                                 flyteidl::admin::ProjectAttributesDeleteResponse*) {
  RETURN_IF_ERROR(RequireField(request.project(), "project"));
  return DeleteIfSet(deps_.registry, Key(request.resource_type(), request.project()));
}

Status AttributeService::UpdateProjectDomainAttributes(
    const flyteidl::admin::ProjectDomainAttributesUpdateRequest& request,
    flyteidl::admin::ProjectDomainAttributesUpdateResponse*) {
  const auto& in = request.attributes();
  RETURN_IF_ERROR(RequireField(in.domain(), "domain"));
  return PutAttributes(Key(0, in.project(), in.domain()), in.matching_attributes());
}

Status AttributeService::GetProjectDomainAttributes(const flyteidl::admin::ProjectDomainAttributesGetRequest& request,
                                                    flyteidl::admin::ProjectDomainAttributesGetResponse* response) {
  RETURN_IF_ERROR(RequireField(request.domain(), "domain"));
  ASSIGN_OR_RETURN(*response->mutable_attributes()->mutable_matching_attributes(),
                   FetchAttributes(Key(request.resource_type(), request.project(), request.domain())));
  response->mutable_attributes()->set_project(request.project());
  response->mutable_attributes()->set_domain(request.domain());
  return absl::OkStatus();
}

Status AttributeService::DeleteProjectDomainAttributes(
    const flyteidl::admin::ProjectDomainAttributesDeleteRequest& request,
    flyteidl::admin::ProjectDomainAttributesDeleteResponse*) {
  RETURN_IF_ERROR(RequireField(request.project(), "project"));
  RETURN_IF_ERROR(RequireField(request.domain(), "domain"));
  return DeleteIfSet(deps_.registry, Key(request.resource_type(), request.project(), request.domain()));
}

Status AttributeService::UpdateWorkflowAttributes(const flyteidl::admin::WorkflowAttributesUpdateRequest& request,
                                                  flyteidl::admin::WorkflowAttributesUpdateResponse*) {
  const auto& in = request.attributes();
  RETURN_IF_ERROR(RequireField(in.domain(), "domain"));
  RETURN_IF_ERROR(RequireField(in.workflow(), "workflow"));
  return PutAttributes(Key(0, in.project(), in.domain(), in.workflow()), in.matching_attributes());
}

Status AttributeService::GetWorkflowAttributes(const flyteidl::admin::WorkflowAttributesGetRequest& request,
                                               flyteidl::admin::WorkflowAttributesGetResponse* response) {
  RETURN_IF_ERROR(RequireField(request.domain(), "domain"));
  RETURN_IF_ERROR(RequireField(request.workflow(), "workflow"));
  ASSIGN_OR_RETURN(
      *response->mutable_attributes()->mutable_matching_attributes(),
      FetchAttributes(Key(request.resource_type(), request.project(), request.domain(), request.workflow())));
  auto* out = response->mutable_attributes();
  out->set_project(request.project());
  out->set_domain(request.domain());
  out->set_workflow(request.workflow());
  return absl::OkStatus();
}

Status AttributeService::DeleteWorkflowAttributes(const flyteidl::admin::WorkflowAttributesDeleteRequest& request,
                                                  flyteidl::admin::WorkflowAttributesDeleteResponse*) {
  RETURN_IF_ERROR(RequireField(request.project(), "project"));
  RETURN_IF_ERROR(RequireField(request.domain(), "domain"));
  RETURN_IF_ERROR(RequireField(request.workflow(), "workflow"));
  return DeleteIfSet(deps_.registry,
                     Key(request.resource_type(), request.project(), request.domain(), request.workflow()));
}

Status AttributeService::ListMatchableAttributes(const flyteidl::admin::ListMatchableAttributesRequest& request,
                                                 flyteidl::admin::ListMatchableAttributesResponse* response) {
  ASSIGN_OR_RETURN(auto rows, deps_.registry.ListAttributes(request.resource_type()));
  for (const auto& row : rows) {
    auto* config = response->add_configurations();
    if (!config->mutable_attributes()->ParseFromString(row.payload)) {
      return absl::InternalError("corrupt attributes record");
    }
    config->set_project(row.key.project);
    config->set_domain(row.key.domain);
    config->set_workflow(row.key.workflow);
    config->set_launch_plan(row.key.launch_plan);
  }
  return absl::OkStatus();
}

}  // namespace flyte::admin
