#include "admin/validation.h"

namespace flyte::admin {

Status RequireField(std::string_view value, std::string_view field) {
  if (value.empty()) return absl::InvalidArgumentError("missing " + std::string(field));
  return absl::OkStatus();
}

Status ValidateIdentifier(const flyteidl::core::Identifier& id, flyteidl::core::ResourceType expected) {
  RETURN_IF_ERROR(RequireField(id.project(), "project"));
  RETURN_IF_ERROR(RequireField(id.domain(), "domain"));
  RETURN_IF_ERROR(RequireField(id.name(), "name"));
  RETURN_IF_ERROR(RequireField(id.version(), "version"));
  if (id.resource_type() != flyteidl::core::UNSPECIFIED && id.resource_type() != expected) {
    return absl::InvalidArgumentError("identifier " + DescribeId(id) + " has resource type " +
                                      flyteidl::core::ResourceType_Name(id.resource_type()) + ", expected " +
                                      flyteidl::core::ResourceType_Name(expected));
  }
  return absl::OkStatus();
}

Status ValidateExecutionId(const flyteidl::core::WorkflowExecutionIdentifier& id, const std::string& field) {
  RETURN_IF_ERROR(RequireField(id.project(), field + ".project"));
  RETURN_IF_ERROR(RequireField(id.domain(), field + ".domain"));
  return RequireField(id.name(), field + ".name");
}

store::ExecutionKey ExecutionKeyOf(const flyteidl::core::WorkflowExecutionIdentifier& id) {
  return {id.project(), id.domain(), id.name()};
}

std::string DescribeId(const flyteidl::core::Identifier& id) {
  return id.project() + "/" + id.domain() + "/" + id.name() + "@" + id.version();
}

}  // namespace flyte::admin
