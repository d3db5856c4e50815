#include "admin/project_domain.h"

#include <algorithm>

#include "flyteidl/admin/project.pb.h"

namespace flyte::admin {

Status CheckProjectDomain(store::Registry& registry, const AdminConfig& config, const std::string& project,
                          const std::string& domain) {
  const auto& domains = config.domains;
  if (std::find(domains.begin(), domains.end(), domain) == domains.end()) {
    return absl::InvalidArgumentError("domain \"" + domain + "\" is not one of this sandbox's domains");
  }
  auto row = registry.GetProject(project);
  if (absl::IsNotFound(row.status())) {
    return absl::InvalidArgumentError("project \"" + project + "\" is not registered");
  }
  RETURN_IF_ERROR(row.status());
  if (row->state == flyteidl::admin::Project::ARCHIVED) {
    return absl::InvalidArgumentError("project \"" + project + "\" is archived");
  }
  return absl::OkStatus();
}

Status CheckV2ProjectDomain(store::Registry& registry, const AdminConfig& config, const std::string& project,
                            const std::string& domain) {
  auto row = registry.GetProject(project);
  if (absl::IsNotFound(row.status())) return absl::NotFoundError("project " + project + " not found");
  RETURN_IF_ERROR(row.status());
  return CheckProjectDomain(registry, config, project, domain);
}

}  // namespace flyte::admin
