#include "admin/v2_tasks.h"

#include <google/protobuf/util/time_util.h>

#include "admin/project_domain.h"
#include "admin/spec_digest.h"
#include "admin/v2_list_request.h"
#include "admin/validation.h"

namespace flyte::admin {
namespace {

using google::protobuf::util::TimeUtil;
namespace task = flyteidl2::task;

Status CheckTaskId(const task::TaskIdentifier& id) {
  RETURN_IF_ERROR(RequireField(id.project(), "task_id.project"));
  RETURN_IF_ERROR(RequireField(id.domain(), "task_id.domain"));
  RETURN_IF_ERROR(RequireField(id.name(), "task_id.name"));
  return RequireField(id.version(), "task_id.version");
}

store::DeployedTaskKey TaskKeyOf(const task::TaskIdentifier& id) {
  return {id.project(), id.domain(), id.name(), id.version()};
}

task::TaskIdentifier TaskIdOf(const store::DeployedTaskRow& row) {
  task::TaskIdentifier id;
  id.set_org(row.org);
  id.set_project(row.key.project);
  id.set_domain(row.key.domain);
  id.set_name(row.key.name);
  id.set_version(row.key.version);
  return id;
}

task::TaskMetadata MetadataOf(const store::DeployedTaskRow& row, const task::TaskSpec& spec) {
  task::TaskMetadata metadata;
  metadata.set_short_name(row.short_name);
  *metadata.mutable_deployed_at() = TimeUtil::MillisecondsToTimestamp(row.created_at);
  metadata.set_environment_name(row.environment);
  metadata.set_short_description(spec.documentation().short_description());
  return metadata;
}

StatusOr<task::TaskSpec> SpecOf(const store::DeployedTaskRow& row) {
  task::TaskSpec spec;
  if (!spec.ParseFromString(row.spec)) {
    return absl::InternalError("the stored spec of task " + row.key.name + " version " + row.key.version +
                               " does not parse");
  }
  return spec;
}

// The template names the task too (runs take its id from there): it must not name another.
Status CheckTemplateId(const task::TaskIdentifier& id, const task::TaskSpec& spec) {
  const auto& template_id = spec.task_template().id();
  const auto differs = [](const std::string& in_template, const std::string& requested) {
    return !in_template.empty() && in_template != requested;
  };
  if (differs(template_id.name(), id.name()) || differs(template_id.version(), id.version()) ||
      differs(template_id.project(), id.project()) || differs(template_id.domain(), id.domain())) {
    return absl::InvalidArgumentError("spec.task_template.id (" + template_id.project() + "/" + template_id.domain() +
                                      "/" + template_id.name() + " version " + template_id.version() +
                                      ") does not match task_id (" + id.project() + "/" + id.domain() + "/" +
                                      id.name() + " version " + id.version() + ")");
  }
  return absl::OkStatus();
}

}  // namespace

StatusOr<task::TaskDetails> DeployedTask(store::DeployedTaskStore& tasks, const task::TaskIdentifier& id) {
  RETURN_IF_ERROR(CheckTaskId(id));
  StatusOr<store::DeployedTaskRow> row = tasks.Get(TaskKeyOf(id));
  if (absl::IsNotFound(row.status())) {
    return absl::NotFoundError("task " + id.project() + "/" + id.domain() + "/" + id.name() + " version " +
                               id.version() + " is not deployed (flyte deploy stores it)");
  }
  RETURN_IF_ERROR(row.status());
  task::TaskDetails details;
  *details.mutable_task_id() = TaskIdOf(*row);
  ASSIGN_OR_RETURN(*details.mutable_spec(), SpecOf(*row));
  *details.mutable_metadata() = MetadataOf(*row, details.spec());
  return details;
}

Status V2TaskService::DeployTask(const task::DeployTaskRequest& request, task::DeployTaskResponse*) {
  const task::TaskIdentifier& id = request.task_id();
  RETURN_IF_ERROR(CheckTaskId(id));
  if (!request.spec().has_task_template()) return absl::InvalidArgumentError("missing spec.task_template");
  RETURN_IF_ERROR(CheckTemplateId(id, request.spec()));
  RETURN_IF_ERROR(CheckV2ProjectDomain(deps_.registry, deps_.config, id.project(), id.domain()));
  if (request.triggers_size() > 0) {
    return absl::UnimplementedError("task " + id.name() + " has triggers, which this sandbox does not serve yet");
  }
  store::DeployedTaskRow row;
  row.key = TaskKeyOf(id);
  row.org = id.org();
  row.environment = request.spec().environment().name();
  row.short_name = request.spec().short_name();
  row.created_at = deps_.clock.NowMillis();
  row.digest = SpecDigest(request.spec());
  row.spec = request.spec().SerializeAsString();
  return deps_.tasks.Put(row);
}

Status V2TaskService::GetTaskDetails(const task::GetTaskDetailsRequest& request,
                                     task::GetTaskDetailsResponse* response) {
  ASSIGN_OR_RETURN(*response->mutable_details(), DeployedTask(deps_.tasks, request.task_id()));
  return absl::OkStatus();
}

Status V2TaskService::ListTasks(const task::ListTasksRequest& request, task::ListTasksResponse* response) {
  ASSIGN_OR_RETURN(store::ListQuery query, BuildV2ListQuery(request.request(), V2TaskColumns(),
                                                            {store::Descending(store::Column::kCreatedAt)}));
  // As for runs, the SDK sets both `org` and `project_id` of the one-of; an org alone (ignored,
  // FLYTE2-PROTOCOL.md §0) lists every project's tasks.
  if (request.has_project_id()) {
    RETURN_IF_ERROR(RequireField(request.project_id().name(), "project_id.name"));
    RETURN_IF_ERROR(RequireField(request.project_id().domain(), "project_id.domain"));
    query.where.push_back({store::Column::kProject, store::Op::kEq, {request.project_id().name()}});
    query.where.push_back({store::Column::kDomain, store::Op::kEq, {request.project_id().domain()}});
  }
  for (const auto& filter : request.known_filters()) {
    // Nothing here is deployed by a known identity (no auth on Flyte 2's API), so no task is
    // anyone's; `is_entrypoint` is ignored, as by the open-source service.
    if (filter.has_deployed_by()) return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::vector<store::DeployedTaskRow> rows, deps_.tasks.ListLatest(query));
  for (const auto& row : rows) {
    task::Task* out = response->add_tasks();
    *out->mutable_task_id() = TaskIdOf(row);
    ASSIGN_OR_RETURN(const task::TaskSpec spec, SpecOf(row));
    *out->mutable_metadata() = MetadataOf(row, spec);
  }
  response->set_token(NextPageToken(query, rows.size()));
  return absl::OkStatus();
}

Status V2TaskService::ListVersions(const task::ListVersionsRequest& request, task::ListVersionsResponse* response) {
  const task::TaskName& name = request.task_name();
  RETURN_IF_ERROR(RequireField(name.project(), "task_name.project"));
  RETURN_IF_ERROR(RequireField(name.domain(), "task_name.domain"));
  RETURN_IF_ERROR(RequireField(name.name(), "task_name.name"));
  ASSIGN_OR_RETURN(store::ListQuery query, BuildV2ListQuery(request.request(), V2TaskVersionColumns(),
                                                            {store::Descending(store::Column::kCreatedAt)}));
  ASSIGN_OR_RETURN(std::vector<store::DeployedTaskRow> rows,
                   deps_.tasks.ListVersions({name.project(), name.domain(), name.name(), ""}, query));
  for (const auto& row : rows) {
    auto* version = response->add_versions();
    version->set_version(row.key.version);
    *version->mutable_deployed_at() = TimeUtil::MillisecondsToTimestamp(row.created_at);
  }
  response->set_token(NextPageToken(query, rows.size()));
  return absl::OkStatus();
}

}  // namespace flyte::admin
