// Projects and domains: register, update, get, list (FlyteAdmin's ProjectManager semantics).
#include "admin/list_request.h"
#include "admin/project_service.h"
#include "admin/validation.h"

namespace flyte::admin {
namespace {

// Kubernetes namespaces are derived from project ids in Flyte, hence DNS-1123 labels.
Status ValidateProjectId(const std::string& id) {
  RETURN_IF_ERROR(RequireField(id, "project id"));
  bool ok = id.size() <= 63 && std::isalnum(static_cast<unsigned char>(id.front())) &&
            std::isalnum(static_cast<unsigned char>(id.back()));
  for (char c : id) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  if (!ok) {
    return absl::InvalidArgumentError("invalid project id \"" + id +
                                      "\": use at most 63 lowercase letters, digits and '-', starting and ending "
                                      "with a letter or digit");
  }
  return absl::OkStatus();
}

Status ValidateProjectFields(const flyteidl::admin::Project& project) {
  RETURN_IF_ERROR(ValidateProjectId(project.id()));
  if (project.name().size() > 64) return absl::InvalidArgumentError("project name is longer than 64 characters");
  if (project.description().size() > 300) {
    return absl::InvalidArgumentError("project description is longer than 300 characters");
  }
  return absl::OkStatus();
}

store::ProjectRow ToRow(flyteidl::admin::Project project, int64_t created_at) {
  project.clear_domains();  // domains come from the configuration, attached on every read
  return {project.id(), project.name(), project.state(), created_at, project.SerializeAsString()};
}

}  // namespace

Status ProjectService::SeedProjects() {
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

Status ProjectService::GetDomains(const flyteidl::admin::GetDomainRequest&,
                                  flyteidl::admin::GetDomainsResponse* response) {
  for (const std::string& domain : deps_.config.domains) {
    auto* out = response->add_domains();
    out->set_id(domain);
    out->set_name(domain);
  }
  return absl::OkStatus();
}

Status ProjectService::ProjectFromRow(const store::ProjectRow& row, flyteidl::admin::Project* project) {
  if (!project->ParseFromString(row.payload)) return absl::InternalError("corrupt project record " + row.id);
  flyteidl::admin::GetDomainsResponse domains;
  RETURN_IF_ERROR(GetDomains({}, &domains));
  *project->mutable_domains() = domains.domains();
  return absl::OkStatus();
}

Status ProjectService::RegisterProject(const flyteidl::admin::ProjectRegisterRequest& request,
                                       flyteidl::admin::ProjectRegisterResponse*) {
  if (!request.has_project()) return absl::InvalidArgumentError("missing project");
  flyteidl::admin::Project project = request.project();
  if (project.name().empty()) project.set_name(project.id());
  RETURN_IF_ERROR(ValidateProjectFields(project));
  Status status = deps_.registry.CreateProject(ToRow(project, deps_.clock.NowMillis()));
  if (absl::IsAlreadyExists(status)) return absl::AlreadyExistsError("project " + project.id() + " already exists");
  return status;
}

Status ProjectService::UpdateProject(const flyteidl::admin::Project& request, flyteidl::admin::ProjectUpdateResponse*) {
  RETURN_IF_ERROR(ValidateProjectFields(request));
  ASSIGN_OR_RETURN(store::ProjectRow existing, deps_.registry.GetProject(request.id()));
  flyteidl::admin::Project stored;
  if (!stored.ParseFromString(existing.payload)) return absl::InternalError("corrupt project record " + existing.id);
  // FlyteAdmin writes only the fields an update sets (the state always): flytectl's archive and
  // activate send the id, the state and empty labels, and keep the name, description and labels.
  flyteidl::admin::Project project = request;
  if (project.name().empty()) project.set_name(stored.name());
  if (project.description().empty()) project.set_description(stored.description());
  if (project.labels().values().empty()) *project.mutable_labels() = stored.labels();
  if (project.org().empty()) project.set_org(stored.org());
  return deps_.registry.UpdateProject(ToRow(project, existing.created_at));
}

Status ProjectService::GetProject(const flyteidl::admin::ProjectGetRequest& request,
                                  flyteidl::admin::Project* response) {
  RETURN_IF_ERROR(RequireField(request.id(), "project id"));
  ASSIGN_OR_RETURN(store::ProjectRow row, deps_.registry.GetProject(request.id()));
  return ProjectFromRow(row, response);
}

Status ProjectService::ListProjects(const flyteidl::admin::ProjectListRequest& request,
                                    flyteidl::admin::Projects* response) {
  ListParams params{request.limit(), request.token(), request.filters(),
                    request.has_sort_by() ? &request.sort_by() : nullptr};
  ASSIGN_OR_RETURN(store::ListQuery query,
                   BuildListQuery(params, ProjectColumns(), {store::Ascending(store::Column::kProject)}));
  if (request.filters().empty()) {
    // FlyteAdmin hides archived projects unless the caller filters on state itself.
    query.where.push_back({store::Column::kState, store::Op::kNe, {int64_t{flyteidl::admin::Project::ARCHIVED}}});
  }
  ASSIGN_OR_RETURN(std::vector<store::ProjectRow> rows, deps_.registry.ListProjects(query));
  for (const auto& row : rows) RETURN_IF_ERROR(ProjectFromRow(row, response->add_projects()));
  response->set_token(NextPageToken(query, rows.size()));
  return absl::OkStatus();
}

}  // namespace flyte::admin
