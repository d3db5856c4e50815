#include "server/connect_services.h"

#include <flyteidl2/cluster/payload.pb.h>

namespace flyte::server {

ConnectRouter MakeConnectRouter(admin::Admin& admin) {
  namespace cluster = flyteidl2::cluster;
  namespace project = flyteidl2::project;
  ConnectRouter router;
  // One sandbox is every cluster: an empty endpoint tells the SDK to keep its own connection.
  router.Add<cluster::SelectClusterRequest, cluster::SelectClusterResponse>(
      "flyteidl2.cluster.ClusterService/SelectCluster",
      [](const cluster::SelectClusterRequest&, cluster::SelectClusterResponse*) { return absl::OkStatus(); });
  admin::V2ProjectService& projects = admin.v2_projects();
  router.Add<project::CreateProjectRequest, project::CreateProjectResponse>(
      "flyteidl2.project.ProjectService/CreateProject",
      [&projects](const auto& request, auto* reply) { return projects.CreateProject(request, reply); });
  router.Add<project::GetProjectRequest, project::GetProjectResponse>(
      "flyteidl2.project.ProjectService/GetProject",
      [&projects](const auto& request, auto* reply) { return projects.GetProject(request, reply); });
  router.Add<project::ListProjectsRequest, project::ListProjectsResponse>(
      "flyteidl2.project.ProjectService/ListProjects",
      [&projects](const auto& request, auto* reply) { return projects.ListProjects(request, reply); });
  return router;
}

}  // namespace flyte::server
