// Flyte 2's ProjectService (flyteidl2.project) over the same projects and domains as Flyte 1's:
// a project registered by flytekit is listed by the `flyte` SDK and the other way round.
#pragma once

#include <flyteidl2/project/project_service.pb.h>

#include "admin/project_service.h"
#include "common/status.h"

namespace flyte::admin {

class V2ProjectService {
 public:
  explicit V2ProjectService(ProjectService& projects) : projects_(projects) {}

  Status CreateProject(const flyteidl2::project::CreateProjectRequest& request,
                       flyteidl2::project::CreateProjectResponse* response);
  Status GetProject(const flyteidl2::project::GetProjectRequest& request,
                    flyteidl2::project::GetProjectResponse* response);
  Status ListProjects(const flyteidl2::project::ListProjectsRequest& request,
                      flyteidl2::project::ListProjectsResponse* response);
  // Flyte 1's update: the fields left empty keep their value, the state is always written
  // (`flyte update project` sends the whole project read back, with its new fields).
  Status UpdateProject(const flyteidl2::project::UpdateProjectRequest& request,
                       flyteidl2::project::UpdateProjectResponse* response);

 private:
  ProjectService& projects_;
};

}  // namespace flyte::admin
