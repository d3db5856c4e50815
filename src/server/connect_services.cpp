#include "server/connect_services.h"

#include <flyteidl2/cluster/payload.pb.h>

namespace flyte::server {

ConnectRouter MakeConnectRouter(admin::Admin& admin) {
  namespace cluster = flyteidl2::cluster;
  namespace project = flyteidl2::project;
  namespace dataproxy = flyteidl2::dataproxy;
  namespace workflow = flyteidl2::workflow;
  namespace actions = flyteidl2::actions;
  namespace task = flyteidl2::task;
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
  router.Add<project::UpdateProjectRequest, project::UpdateProjectResponse>(
      "flyteidl2.project.ProjectService/UpdateProject",
      [&projects](const auto& request, auto* reply) { return projects.UpdateProject(request, reply); });
  admin::V2DataProxyService& data_proxy = admin.v2_data_proxy();
  router.Add<dataproxy::CreateUploadLocationRequest, dataproxy::CreateUploadLocationResponse>(
      "flyteidl2.dataproxy.DataProxyService/CreateUploadLocation",
      [&data_proxy](const auto& request, auto* reply) { return data_proxy.CreateUploadLocation(request, reply); });
  router.Add<dataproxy::UploadInputsRequest, dataproxy::UploadInputsResponse>(
      "flyteidl2.dataproxy.DataProxyService/UploadInputs",
      [&data_proxy](const auto& request, auto* reply) { return data_proxy.UploadInputs(request, reply); });
  router.Add<dataproxy::GetActionDataRequest, dataproxy::GetActionDataResponse>(
      "flyteidl2.dataproxy.DataProxyService/GetActionData",
      [&data_proxy](const auto& request, auto* reply) { return data_proxy.GetActionData(request, reply); });
  router.AddStream<dataproxy::TailLogsRequest, dataproxy::TailLogsResponse>(
      "flyteidl2.dataproxy.DataProxyService/TailLogs", [&data_proxy](const auto& request, admin::StreamWake wake) {
        return data_proxy.TailLogs(request, std::move(wake));
      });
  router.Add<dataproxy::CreateDownloadLinkRequest, dataproxy::CreateDownloadLinkResponse>(
      "flyteidl2.dataproxy.DataProxyService/CreateDownloadLink",
      [&data_proxy](const auto& request, auto* reply) { return data_proxy.CreateDownloadLink(request, reply); });
  admin::V2RunService& runs = admin.v2_runs();
  router.Add<workflow::CreateRunRequest, workflow::CreateRunResponse>(
      "flyteidl2.workflow.RunService/CreateRun",
      [&runs](const auto& request, auto* reply) { return runs.CreateRun(request, reply); });
  router.Add<workflow::GetRunDetailsRequest, workflow::GetRunDetailsResponse>(
      "flyteidl2.workflow.RunService/GetRunDetails",
      [&runs](const auto& request, auto* reply) { return runs.GetRunDetails(request, reply); });
  router.Add<workflow::GetActionDetailsRequest, workflow::GetActionDetailsResponse>(
      "flyteidl2.workflow.RunService/GetActionDetails",
      [&runs](const auto& request, auto* reply) { return runs.GetActionDetails(request, reply); });
  router.AddStream<workflow::WatchActionDetailsRequest, workflow::WatchActionDetailsResponse>(
      "flyteidl2.workflow.RunService/WatchActionDetails", [&runs](const auto& request, admin::StreamWake wake) {
        return runs.WatchActionDetails(request, std::move(wake));
      });
  router.Add<workflow::AbortRunRequest, workflow::AbortRunResponse>(
      "flyteidl2.workflow.RunService/AbortRun",
      [&runs](const auto& request, auto* reply) { return runs.AbortRun(request, reply); });
  router.Add<workflow::AbortActionRequest, workflow::AbortActionResponse>(
      "flyteidl2.workflow.RunService/AbortAction",
      [&runs](const auto& request, auto* reply) { return runs.AbortAction(request, reply); });
  router.Add<workflow::ListRunsRequest, workflow::ListRunsResponse>(
      "flyteidl2.workflow.RunService/ListRuns",
      [&runs](const auto& request, auto* reply) { return runs.ListRuns(request, reply); });
  router.Add<workflow::ListActionsRequest, workflow::ListActionsResponse>(
      "flyteidl2.workflow.RunService/ListActions",
      [&runs](const auto& request, auto* reply) { return runs.ListActions(request, reply); });
  router.Add<workflow::SignalEventRequest, workflow::SignalEventResponse>(
      "flyteidl2.workflow.RunService/SignalEvent",
      [&runs](const auto& request, auto* reply) { return runs.SignalEvent(request, reply); });
  admin::V2ActionsService& children = admin.v2_actions();
  router.Add<actions::EnqueueRequest, actions::EnqueueResponse>(
      "flyteidl2.actions.ActionsService/Enqueue",
      [&children](const auto& request, auto* reply) { return children.Enqueue(request, reply); });
  router.AddStream<actions::WatchForUpdatesRequest, actions::WatchForUpdatesResponse>(
      "flyteidl2.actions.ActionsService/WatchForUpdates", [&children](const auto& request, admin::StreamWake wake) {
        return children.WatchForUpdates(request, std::move(wake));
      });
  router.Add<actions::AbortRequest, actions::AbortResponse>(
      "flyteidl2.actions.ActionsService/Abort",
      [&children](const auto& request, auto* reply) { return children.Abort(request, reply); });
  admin::V2TaskService& tasks = admin.v2_tasks();
  router.Add<task::DeployTaskRequest, task::DeployTaskResponse>(
      "flyteidl2.task.TaskService/DeployTask",
      [&tasks](const auto& request, auto* reply) { return tasks.DeployTask(request, reply); });
  router.Add<task::GetTaskDetailsRequest, task::GetTaskDetailsResponse>(
      "flyteidl2.task.TaskService/GetTaskDetails",
      [&tasks](const auto& request, auto* reply) { return tasks.GetTaskDetails(request, reply); });
  router.Add<task::ListTasksRequest, task::ListTasksResponse>(
      "flyteidl2.task.TaskService/ListTasks",
      [&tasks](const auto& request, auto* reply) { return tasks.ListTasks(request, reply); });
  router.Add<task::ListVersionsRequest, task::ListVersionsResponse>(
      "flyteidl2.task.TaskService/ListVersions",
      [&tasks](const auto& request, auto* reply) { return tasks.ListVersions(request, reply); });
  return router;
}

}  // namespace flyte::server
