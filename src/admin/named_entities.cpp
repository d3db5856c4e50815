// Named entities (a name across its versions, with metadata) and description entities.
#include "admin/entity_service.h"
#include "admin/list_request.h"
#include "admin/registry_resolver.h"
#include "admin/validation.h"

namespace flyte::admin {
namespace {

StatusOr<store::ResourceType> StoreType(flyteidl::core::ResourceType type) {
  switch (type) {
    case flyteidl::core::TASK:
      return store::ResourceType::kTask;
    case flyteidl::core::WORKFLOW:
      return store::ResourceType::kWorkflow;
    case flyteidl::core::LAUNCH_PLAN:
      return store::ResourceType::kLaunchPlan;
    default:
      return absl::InvalidArgumentError("resource_type must be TASK, WORKFLOW or LAUNCH_PLAN, not " +
                                        flyteidl::core::ResourceType_Name(type));
  }
}

void ToNamedEntity(const store::NamedEntityRow& row, flyteidl::core::ResourceType type,
                   flyteidl::admin::NamedEntity* out) {
  out->set_resource_type(type);
  out->mutable_id()->set_project(row.project);
  out->mutable_id()->set_domain(row.domain);
  out->mutable_id()->set_name(row.name);
  out->mutable_metadata()->set_description(row.description);
  out->mutable_metadata()->set_state(static_cast<flyteidl::admin::NamedEntityState>(row.state));
}

Status ValidateNamedId(const flyteidl::admin::NamedEntityIdentifier& id) {
  RETURN_IF_ERROR(RequireField(id.project(), "project"));
  RETURN_IF_ERROR(RequireField(id.domain(), "domain"));
  return RequireField(id.name(), "name");
}

}  // namespace

Status EntityService::GetNamedEntity(const flyteidl::admin::NamedEntityGetRequest& request,
                                     flyteidl::admin::NamedEntity* response) {
  ASSIGN_OR_RETURN(store::ResourceType type, StoreType(request.resource_type()));
  RETURN_IF_ERROR(ValidateNamedId(request.id()));
  const auto& id = request.id();
  ASSIGN_OR_RETURN(store::NamedEntityRow row,
                   deps_.registry.GetNamedEntity(type, id.project(), id.domain(), id.name()));
  ToNamedEntity(row, request.resource_type(), response);
  return absl::OkStatus();
}

Status EntityService::ListNamedEntities(const flyteidl::admin::NamedEntityListRequest& request,
                                        flyteidl::admin::NamedEntityList* response) {
  ASSIGN_OR_RETURN(store::ResourceType type, StoreType(request.resource_type()));
  RETURN_IF_ERROR(RequireField(request.project(), "project"));
  RETURN_IF_ERROR(RequireField(request.domain(), "domain"));
  ASSIGN_OR_RETURN(store::ListQuery query, BuildListQuery(ListParamsOf(request), NamedEntityColumns(),
                                                          {store::Ascending(store::Column::kName)}));
  ASSIGN_OR_RETURN(auto rows, deps_.registry.ListNamedEntities(type, request.project(), request.domain(), query));
  for (const auto& row : rows) ToNamedEntity(row, request.resource_type(), response->add_entities());
  response->set_token(NextPageToken(query, rows.size()));
  return absl::OkStatus();
}

Status EntityService::UpdateNamedEntity(const flyteidl::admin::NamedEntityUpdateRequest& request,
                                        flyteidl::admin::NamedEntityUpdateResponse*) {
  ASSIGN_OR_RETURN(store::ResourceType type, StoreType(request.resource_type()));
  RETURN_IF_ERROR(ValidateNamedId(request.id()));
  const auto& id = request.id();
  // Only names that were registered can carry metadata.
  ASSIGN_OR_RETURN(store::NamedEntityRow row,
                   deps_.registry.GetNamedEntity(type, id.project(), id.domain(), id.name()));
  // As FlyteAdmin: the state is always written, the description only when the update carries one
  // (flytectl's archive sends the state alone).
  row.state = request.metadata().state();
  if (!request.metadata().description().empty()) row.description = request.metadata().description();
  return deps_.registry.UpdateNamedEntity(row);
}

Status EntityService::GetDescriptionEntity(const flyteidl::admin::ObjectGetRequest& request,
                                           flyteidl::admin::DescriptionEntity* response) {
  ASSIGN_OR_RETURN(store::ResourceType type, StoreType(request.id().resource_type()));
  RETURN_IF_ERROR(ValidateIdentifier(request.id(), request.id().resource_type()));
  ASSIGN_OR_RETURN(std::string payload, deps_.registry.GetDescription(ToKey(type, request.id())));
  if (!response->ParseFromString(payload)) return absl::InternalError("corrupt description entity record");
  return absl::OkStatus();
}

Status EntityService::ListDescriptionEntities(const flyteidl::admin::DescriptionEntityListRequest& request,
                                              flyteidl::admin::DescriptionEntityList* response) {
  ASSIGN_OR_RETURN(store::ResourceType type, StoreType(request.resource_type()));
  const auto& id = request.id();
  RETURN_IF_ERROR(RequireField(id.project(), "project"));
  RETURN_IF_ERROR(RequireField(id.domain(), "domain"));
  ASSIGN_OR_RETURN(store::ListQuery query, BuildListQuery(ListParamsOf(request), DescriptionColumns(),
                                                          {store::Descending(store::Column::kCreatedAt)}));
  ASSIGN_OR_RETURN(auto payloads, deps_.registry.ListDescriptions(type, id.project(), id.domain(), id.name(), query));
  for (const auto& payload : payloads) {
    if (!response->add_descriptionentities()->ParseFromString(payload)) {
      return absl::InternalError("corrupt description entity record");
    }
  }
  response->set_token(NextPageToken(query, payloads.size()));
  return absl::OkStatus();
}

}  // namespace flyte::admin
