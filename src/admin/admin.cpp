#include "admin/admin.h"

#include <algorithm>

#include "common/version.h"

namespace flyte::admin {

StatusOr<std::unique_ptr<Admin>> Admin::Create(AdminDeps deps) {
  std::unique_ptr<Admin> admin(new Admin(std::move(deps)));
  RETURN_IF_ERROR(admin->SeedProjects());
  return admin;
}

Status Admin::SeedProjects() {
  for (const std::string& id : deps_.config.seed_projects) {
    flyteidl::admin::ProjectRegisterRequest request;
    request.mutable_project()->set_id(id);
    request.mutable_project()->set_name(id);
    request.mutable_project()->set_description("Default project setup.");
    flyteidl::admin::ProjectRegisterResponse response;
    Status status = RegisterProject(request, &response);
    if (!status.ok() && !absl::IsAlreadyExists(status)) return status;
  }
  return absl::OkStatus();
}

Status Admin::CheckProjectDomain(const std::string& project, const std::string& domain) {
  const auto& domains = deps_.config.domains;
  if (std::find(domains.begin(), domains.end(), domain) == domains.end()) {
    return absl::InvalidArgumentError("domain \"" + domain + "\" is not one of this sandbox's domains");
  }
  auto row = deps_.registry.GetProject(project);
  if (absl::IsNotFound(row.status())) {
    return absl::InvalidArgumentError("project \"" + project + "\" is not registered");
  }
  RETURN_IF_ERROR(row.status());
  if (row->state == flyteidl::admin::Project::ARCHIVED) {
    return absl::InvalidArgumentError("project \"" + project + "\" is archived");
  }
  return absl::OkStatus();
}

Status Admin::GetVersion(const flyteidl::admin::GetVersionRequest&, flyteidl::admin::GetVersionResponse* response) {
  auto* version = response->mutable_control_plane_version();
  version->set_version(kVersion);
  version->set_build(kGitCommit);
  version->set_buildtime(kBuildTime);
  return absl::OkStatus();
}

Status Admin::GetDomains(const flyteidl::admin::GetDomainRequest&, flyteidl::admin::GetDomainsResponse* response) {
  for (const std::string& domain : deps_.config.domains) {
    auto* out = response->add_domains();
    out->set_id(domain);
    out->set_name(domain);
  }
  return absl::OkStatus();
}

}  // namespace flyte::admin
