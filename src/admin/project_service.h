// Projects and the configured domains (FlyteAdmin's ProjectManager): register, update, get, list.
// Thread-safe: handlers run concurrently on the transport's threads; the store serialises writes.
#pragma once

#include "admin/deps.h"
#include "flyteidl/admin/project.pb.h"

namespace flyte::admin {

class ProjectService {
 public:
  explicit ProjectService(AdminDeps deps) : deps_(std::move(deps)) {}

  Status RegisterProject(const flyteidl::admin::ProjectRegisterRequest& request,
                         flyteidl::admin::ProjectRegisterResponse* response);
  Status ListProjects(const flyteidl::admin::ProjectListRequest& request, flyteidl::admin::Projects* response);
  Status GetProject(const flyteidl::admin::ProjectGetRequest& request, flyteidl::admin::Project* response);
  Status UpdateProject(const flyteidl::admin::Project& request, flyteidl::admin::ProjectUpdateResponse* response);
  Status GetDomains(const flyteidl::admin::GetDomainRequest& request, flyteidl::admin::GetDomainsResponse* response);

  // Registers the configured seed projects that do not exist yet (first start).
  Status SeedProjects();

 private:
  // The stored project with the configured domains attached.
  Status ProjectFromRow(const store::ProjectRow& row, flyteidl::admin::Project* project);

  AdminDeps deps_;
};

}  // namespace flyte::admin
