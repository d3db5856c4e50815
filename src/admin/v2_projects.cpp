#include "admin/v2_projects.h"

namespace flyte::admin {
namespace {

// The two protocols' projects have the same fields; their state enums the same values
// (ACTIVE, ARCHIVED, SYSTEM_GENERATED), Flyte 2's adding SYSTEM_ARCHIVED. `org` is not kept:
// the open-source server ignores it (FLYTE2-PROTOCOL.md §0).
void ToV2(const flyteidl::admin::Project& from, flyteidl2::project::Project* to) {
  to->set_id(from.id());
  to->set_name(from.name());
  to->set_description(from.description());
  for (const auto& domain : from.domains()) {
    auto* out = to->add_domains();
    out->set_id(domain.id());
    out->set_name(domain.name());
  }
  for (const auto& [key, value] : from.labels().values()) (*to->mutable_labels()->mutable_values())[key] = value;
  to->set_state(static_cast<flyteidl2::project::ProjectState>(from.state()));
}

flyteidl::admin::Project ToV1(const flyteidl2::project::Project& from) {
  flyteidl::admin::Project to;
  to.set_id(from.id());
  to.set_name(from.name());
  to.set_description(from.description());
  for (const auto& [key, value] : from.labels().values()) (*to.mutable_labels()->mutable_values())[key] = value;
  to.set_state(static_cast<flyteidl::admin::Project::ProjectState>(from.state()));
  return to;
}

}  // namespace

Status V2ProjectService::CreateProject(const flyteidl2::project::CreateProjectRequest& request,
                                       flyteidl2::project::CreateProjectResponse*) {
  flyteidl::admin::ProjectRegisterRequest v1;
  *v1.mutable_project() = ToV1(request.project());
  flyteidl::admin::ProjectRegisterResponse ignored;
  return projects_.RegisterProject(v1, &ignored);
}

Status V2ProjectService::UpdateProject(const flyteidl2::project::UpdateProjectRequest& request,
                                       flyteidl2::project::UpdateProjectResponse*) {
  flyteidl::admin::ProjectUpdateResponse ignored;
  return projects_.UpdateProject(ToV1(request.project()), &ignored);
}

Status V2ProjectService::GetProject(const flyteidl2::project::GetProjectRequest& request,
                                    flyteidl2::project::GetProjectResponse* response) {
  flyteidl::admin::ProjectGetRequest v1;
  v1.set_id(request.id());
  flyteidl::admin::Project project;
  RETURN_IF_ERROR(projects_.GetProject(v1, &project));
  ToV2(project, response->mutable_project());
  return absl::OkStatus();
}

Status V2ProjectService::ListProjects(const flyteidl2::project::ListProjectsRequest& request,
                                      flyteidl2::project::ListProjectsResponse* response) {
  flyteidl::admin::ProjectListRequest v1;
  v1.set_limit(request.limit());
  v1.set_token(request.token());
  v1.set_filters(request.filters());
  if (request.has_sort_by()) {
    v1.mutable_sort_by()->set_key(request.sort_by().key());
    v1.mutable_sort_by()->set_direction(static_cast<flyteidl::admin::Sort::Direction>(request.sort_by().direction()));
  }
  flyteidl::admin::Projects projects;
  RETURN_IF_ERROR(projects_.ListProjects(v1, &projects));
  auto* out = response->mutable_projects();
  for (const auto& project : projects.projects()) ToV2(project, out->add_projects());
  out->set_token(projects.token());
  return absl::OkStatus();
}

}  // namespace flyte::admin
