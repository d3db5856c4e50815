#include "admin/validation.h"

#include <absl/strings/ascii.h>
#include <absl/strings/escaping.h>
#include <absl/strings/str_cat.h>

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

Status ValidateExecutionName(std::string_view name) {
  static constexpr size_t kMaxLength = 63;
  if (name.size() > kMaxLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("execution name is ", name.size(), " characters long; the limit is ", kMaxLength));
  }
  auto lower = [](char c) { return absl::ascii_tolower(static_cast<unsigned char>(c)); };
  bool ok = !name.empty() && absl::ascii_isalpha(static_cast<unsigned char>(name.front()));
  for (char c : name) ok = ok && ((lower(c) >= 'a' && lower(c) <= 'z') || absl::ascii_isdigit(c) || c == '-');
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat("invalid execution name \"",
                                                   absl::CHexEscape(absl::string_view(name.data(), name.size())),
                                                   "\": it must match ^[a-z][a-z\\-0-9]*$ (a letter, then letters, "
                                                   "digits and '-')"));
  }
  return absl::OkStatus();
}

store::ExecutionKey ExecutionKeyOf(const flyteidl::core::WorkflowExecutionIdentifier& id) {
  return {id.project(), id.domain(), id.name()};
}

std::string DescribeId(const flyteidl::core::Identifier& id) {
  return id.project() + "/" + id.domain() + "/" + id.name() + "@" + id.version();
}

}  // namespace flyte::admin
