// Tasks, workflows and launch plans: register (idempotent, content-checked), get, list.
#include <google/protobuf/util/time_util.h>

#include <absl/strings/ascii.h>
#include <absl/strings/str_replace.h>

#include <functional>

#include "admin/entity_service.h"
#include "admin/launch_plan_inputs.h"
#include "admin/launch_plan_schedule.h"
#include "admin/list_request.h"
#include "admin/project_domain.h"
#include "admin/registry_resolver.h"
#include "admin/spec_digest.h"
#include "admin/task_resources.h"
#include "admin/validation.h"
#include "engine/engine.h"

namespace flyte::admin {
namespace {

using flyteidl::core::Identifier;
using google::protobuf::util::TimeUtil;
using store::ResourceType;

flyteidl::core::ResourceType ToCoreType(ResourceType type) {
  return static_cast<flyteidl::core::ResourceType>(static_cast<int>(type));
}

// flyteidl's name of the type in words: "task", "workflow", "launch plan".
std::string KindName(ResourceType type) {
  return absl::AsciiStrToLower(absl::StrReplaceAll(flyteidl::core::ResourceType_Name(ToCoreType(type)), {{"_", " "}}));
}

// flytekit re-registers unchanged entities on every run and treats ALREADY_EXISTS as success.
Status CompareWithExisting(const store::EntityRow& existing, const std::string& digest, const Identifier& id,
                           ResourceType type) {
  const std::string what = KindName(type) + " " + DescribeId(id);
  if (existing.digest == digest)
    return absl::AlreadyExistsError(what + " is already registered with identical structure");
  return absl::InvalidArgumentError(what + " already exists with different structure");
}

// The identifier inside a template must name the entity being registered.
Status CheckTemplateId(const Identifier& template_id, const Identifier& id, ResourceType type) {
  if (template_id.name().empty()) return absl::OkStatus();
  if (template_id.project() != id.project() || template_id.domain() != id.domain() || template_id.name() != id.name() ||
      template_id.version() != id.version()) {
    return absl::InvalidArgumentError(KindName(type) + " template id " + DescribeId(template_id) +
                                      " does not match the request id " + DescribeId(id));
  }
  return absl::OkStatus();
}

// Registers `key` unless it exists: `build` (validation, compilation) runs only for new entities,
// so flytekit's repeated re-registrations cost one lookup.
Status CreateIfAbsent(store::Registry& registry, const Identifier& id, ResourceType type, const std::string& digest,
                      const std::function<StatusOr<store::EntityRow>()>& build) {
  const store::EntityKey key = ToKey(type, id);
  auto existing = registry.GetEntity(key);
  if (existing.ok()) return CompareWithExisting(*existing, digest, id, type);
  if (!absl::IsNotFound(existing.status())) return existing.status();
  ASSIGN_OR_RETURN(store::EntityRow row, build());
  row.key = key;
  row.digest = digest;
  Status inserted = registry.CreateEntity(row);
  if (!absl::IsAlreadyExists(inserted)) return inserted;
  // Lost a race with a concurrent registration of the same id.
  ASSIGN_OR_RETURN(store::EntityRow winner, registry.GetEntity(key));
  return CompareWithExisting(winner, digest, id, type);
}

Identifier TypedId(const Identifier& id, ResourceType type) {
  Identifier out = id;
  out.set_resource_type(ToCoreType(type));
  return out;
}

template <typename Entity>
Status ParseEntity(const store::EntityRow& row, Entity* out) {
  if (!out->ParseFromString(row.payload)) {
    return absl::InternalError("corrupt " + KindName(row.key.type) + " record " + row.key.name);
  }
  return absl::OkStatus();
}

// A launch plan's state lives in its row (activation flips it without rewriting the payload).
Status ParseEntity(const store::EntityRow& row, flyteidl::admin::LaunchPlan* out) {
  if (!out->ParseFromString(row.payload)) return absl::InternalError("corrupt launch plan record " + row.key.name);
  out->mutable_closure()->set_state(static_cast<flyteidl::admin::LaunchPlanState>(row.state));
  *out->mutable_closure()->mutable_updated_at() = TimeUtil::MillisecondsToTimestamp(row.updated_at);
  return absl::OkStatus();
}

template <typename Entity>
Status GetEntity(store::Registry& registry, ResourceType type, const Identifier& id, Entity* out) {
  RETURN_IF_ERROR(ValidateIdentifier(id, ToCoreType(type)));
  ASSIGN_OR_RETURN(store::EntityRow row, registry.GetEntity(ToKey(type, id)));
  return ParseEntity(row, out);
}

const ColumnMap& ColumnsOf(ResourceType type) {
  return type == ResourceType::kLaunchPlan ? LaunchPlanColumns() : EntityColumns();
}

// Lists versions (newest first unless sorted otherwise) into `out`, returning the next token.
template <typename Entity>
StatusOr<std::string> ListEntities(store::Registry& registry, ResourceType type, const std::string& project,
                                   const std::string& domain, const std::string& name, const ListParams& params,
                                   const std::vector<store::Predicate>& extra,
                                   google::protobuf::RepeatedPtrField<Entity>* out) {
  RETURN_IF_ERROR(RequireField(project, "project"));
  RETURN_IF_ERROR(RequireField(domain, "domain"));
  ASSIGN_OR_RETURN(store::ListQuery query, BuildListQuery(params, ColumnsOf(type),
                                                          {store::Descending(store::Column::kCreatedAt),
                                                           store::Descending(store::Column::kVersion)}));
  query.where.insert(query.where.end(), extra.begin(), extra.end());
  ASSIGN_OR_RETURN(std::vector<store::EntityRow> rows, registry.ListEntities(type, project, domain, name, query));
  for (const auto& row : rows) RETURN_IF_ERROR(ParseEntity(row, out->Add()));
  return NextPageToken(query, rows.size());
}

template <typename Entity>
StatusOr<std::string> ListVersions(store::Registry& registry, ResourceType type,
                                   const flyteidl::admin::ResourceListRequest& request,
                                   google::protobuf::RepeatedPtrField<Entity>* out) {
  return ListEntities(registry, type, request.id().project(), request.id().domain(), request.id().name(),
                      ListParamsOf(request), {}, out);
}

Status ListIds(store::Registry& registry, ResourceType type,
               const flyteidl::admin::NamedEntityIdentifierListRequest& request,
               flyteidl::admin::NamedEntityIdentifierList* response) {
  RETURN_IF_ERROR(RequireField(request.project(), "project"));
  RETURN_IF_ERROR(RequireField(request.domain(), "domain"));
  ASSIGN_OR_RETURN(store::ListQuery query, BuildListQuery(ListParamsOf(request), NamedEntityColumns(),
                                                          {store::Ascending(store::Column::kName)}));
  ASSIGN_OR_RETURN(auto rows, registry.ListNamedEntities(type, request.project(), request.domain(), query));
  for (const auto& row : rows) {
    auto* id = response->add_entities();
    id->set_project(row.project);
    id->set_domain(row.domain);
    id->set_name(row.name);
  }
  response->set_token(NextPageToken(query, rows.size()));
  return absl::OkStatus();
}

const std::vector<store::Predicate> kActiveOnly = {
    {store::Column::kState, store::Op::kEq, {int64_t{flyteidl::admin::ACTIVE}}}};

}  // namespace

Status EntityService::StoreDescription(ResourceType type, const Identifier& id,
                                       const flyteidl::admin::DescriptionEntity& description) {
  flyteidl::admin::DescriptionEntity entity = description;
  *entity.mutable_id() = TypedId(id, type);
  return deps_.registry.PutDescription(ToKey(type, id), deps_.clock.NowMillis(), entity.SerializeAsString());
}

template <typename Entity, typename Spec>
StatusOr<store::EntityRow> EntityService::NewEntityRow(ResourceType type, const Identifier& id, const Spec& spec,
                                                       Entity& entity) {
  const int64_t now = deps_.clock.NowMillis();
  *entity.mutable_closure()->mutable_created_at() = TimeUtil::MillisecondsToTimestamp(now);
  entity.set_short_description(spec.description().short_description());
  if (spec.has_description()) RETURN_IF_ERROR(StoreDescription(type, id, spec.description()));
  store::EntityRow row;
  row.created_at = row.updated_at = now;
  row.payload = entity.SerializeAsString();
  return row;
}

Status EntityService::CreateTask(const flyteidl::admin::TaskCreateRequest& request,
                                 flyteidl::admin::TaskCreateResponse*) {
  const Identifier& id = request.id();
  RETURN_IF_ERROR(ValidateIdentifier(id, flyteidl::core::TASK));
  RETURN_IF_ERROR(CheckProjectDomain(deps_.registry, deps_.config, id.project(), id.domain()));
  if (!request.spec().has_template_()) return absl::InvalidArgumentError("missing spec.template");
  const auto& task_template = request.spec().template_();
  RETURN_IF_ERROR(CheckTemplateId(task_template.id(), id, ResourceType::kTask));
  RETURN_IF_ERROR(RequireField(task_template.type(), "spec.template.type"));
  ASSIGN_OR_RETURN(const flyteidl::admin::TaskResourceAttributes platform,
                   ResolveTaskResources(deps_.registry, deps_.config.task_resources, id.project(), id.domain(), ""));
  RETURN_IF_ERROR(ValidateTaskResources(task_template, platform.limits()));
  return CreateIfAbsent(deps_.registry, id, ResourceType::kTask, SpecDigest(request.spec()),
                        [&]() -> StatusOr<store::EntityRow> {
                          flyteidl::admin::Task task;
                          *task.mutable_id() = TypedId(id, ResourceType::kTask);
                          auto* compiled = task.mutable_closure()->mutable_compiled_task()->mutable_template_();
                          *compiled = task_template;
                          *compiled->mutable_id() = task.id();
                          return NewEntityRow(ResourceType::kTask, id, request.spec(), task);
                        });
}

Status EntityService::CreateWorkflow(const flyteidl::admin::WorkflowCreateRequest& request,
                                     flyteidl::admin::WorkflowCreateResponse*) {
  const Identifier& id = request.id();
  RETURN_IF_ERROR(ValidateIdentifier(id, flyteidl::core::WORKFLOW));
  RETURN_IF_ERROR(CheckProjectDomain(deps_.registry, deps_.config, id.project(), id.domain()));
  if (!request.spec().has_template_()) return absl::InvalidArgumentError("missing spec.template");
  RETURN_IF_ERROR(CheckTemplateId(request.spec().template_().id(), id, ResourceType::kWorkflow));
  return CreateIfAbsent(
      deps_.registry, id, ResourceType::kWorkflow, SpecDigest(request.spec()), [&]() -> StatusOr<store::EntityRow> {
        flyteidl::core::WorkflowTemplate primary = request.spec().template_();
        *primary.mutable_id() = TypedId(id, ResourceType::kWorkflow);
        RegistryResolver resolver(deps_.registry);
        ASSIGN_OR_RETURN(auto closure, engine::CompileWorkflow(primary, request.spec().sub_workflows(), resolver));
        flyteidl::admin::Workflow workflow;
        *workflow.mutable_id() = primary.id();
        *workflow.mutable_closure()->mutable_compiled_workflow() = std::move(closure);
        return NewEntityRow(ResourceType::kWorkflow, id, request.spec(), workflow);
      });
}

Status EntityService::CreateLaunchPlan(const flyteidl::admin::LaunchPlanCreateRequest& request,
                                       flyteidl::admin::LaunchPlanCreateResponse*) {
  const Identifier& id = request.id();
  RETURN_IF_ERROR(ValidateIdentifier(id, flyteidl::core::LAUNCH_PLAN));
  RETURN_IF_ERROR(CheckProjectDomain(deps_.registry, deps_.config, id.project(), id.domain()));
  if (!request.has_spec()) return absl::InvalidArgumentError("missing spec");
  const Identifier& workflow_id = request.spec().workflow_id();
  RETURN_IF_ERROR(ValidateIdentifier(workflow_id, flyteidl::core::WORKFLOW));
  return CreateIfAbsent(
      deps_.registry, id, ResourceType::kLaunchPlan, SpecDigest(request.spec()), [&]() -> StatusOr<store::EntityRow> {
        auto workflow_row = deps_.registry.GetEntity(ToKey(ResourceType::kWorkflow, workflow_id));
        if (absl::IsNotFound(workflow_row.status())) {
          return absl::InvalidArgumentError("launch plan " + DescribeId(id) + " refers to workflow " +
                                            DescribeId(workflow_id) + ", which is not registered");
        }
        RETURN_IF_ERROR(workflow_row.status());
        flyteidl::admin::Workflow workflow;
        RETURN_IF_ERROR(ParseEntity(*workflow_row, &workflow));
        const auto& interface = workflow.closure().compiled_workflow().primary().template_().interface();
        auto expected =
            ExpectedInputs(interface.inputs(), request.spec().default_inputs(), request.spec().fixed_inputs());
        if (!expected.ok()) {
          return absl::InvalidArgumentError("launch plan " + DescribeId(id) + ": " +
                                            std::string(expected.status().message()));
        }
        if (request.spec().entity_metadata().has_schedule()) {
          Status schedule = ValidateSchedule(request.spec().entity_metadata().schedule(), *expected);
          if (!schedule.ok()) {
            return absl::InvalidArgumentError("launch plan " + DescribeId(id) + ": " + std::string(schedule.message()));
          }
        }
        flyteidl::admin::LaunchPlan plan;
        *plan.mutable_id() = TypedId(id, ResourceType::kLaunchPlan);
        *plan.mutable_spec() = request.spec();
        auto* closure = plan.mutable_closure();
        closure->set_state(flyteidl::admin::INACTIVE);
        *closure->mutable_expected_inputs() = *std::move(expected);
        *closure->mutable_expected_outputs() = interface.outputs();
        const int64_t now = deps_.clock.NowMillis();
        *closure->mutable_created_at() = TimeUtil::MillisecondsToTimestamp(now);
        store::EntityRow row;
        row.created_at = row.updated_at = now;
        row.workflow_name = workflow_id.name();
        row.payload = plan.SerializeAsString();
        return row;
      });
}

Status EntityService::GetTask(const flyteidl::admin::ObjectGetRequest& request, flyteidl::admin::Task* response) {
  return GetEntity(deps_.registry, ResourceType::kTask, request.id(), response);
}

Status EntityService::GetWorkflow(const flyteidl::admin::ObjectGetRequest& request,
                                  flyteidl::admin::Workflow* response) {
  return GetEntity(deps_.registry, ResourceType::kWorkflow, request.id(), response);
}

Status EntityService::GetLaunchPlan(const flyteidl::admin::ObjectGetRequest& request,
                                    flyteidl::admin::LaunchPlan* response) {
  return GetEntity(deps_.registry, ResourceType::kLaunchPlan, request.id(), response);
}

Status EntityService::ListTasks(const flyteidl::admin::ResourceListRequest& request,
                                flyteidl::admin::TaskList* response) {
  ASSIGN_OR_RETURN(*response->mutable_token(),
                   ListVersions(deps_.registry, ResourceType::kTask, request, response->mutable_tasks()));
  return absl::OkStatus();
}

Status EntityService::ListWorkflows(const flyteidl::admin::ResourceListRequest& request,
                                    flyteidl::admin::WorkflowList* response) {
  ASSIGN_OR_RETURN(*response->mutable_token(),
                   ListVersions(deps_.registry, ResourceType::kWorkflow, request, response->mutable_workflows()));
  return absl::OkStatus();
}

Status EntityService::ListLaunchPlans(const flyteidl::admin::ResourceListRequest& request,
                                      flyteidl::admin::LaunchPlanList* response) {
  ASSIGN_OR_RETURN(*response->mutable_token(),
                   ListVersions(deps_.registry, ResourceType::kLaunchPlan, request, response->mutable_launch_plans()));
  return absl::OkStatus();
}

Status EntityService::ListTaskIds(const flyteidl::admin::NamedEntityIdentifierListRequest& request,
                                  flyteidl::admin::NamedEntityIdentifierList* response) {
  return ListIds(deps_.registry, ResourceType::kTask, request, response);
}

Status EntityService::ListWorkflowIds(const flyteidl::admin::NamedEntityIdentifierListRequest& request,
                                      flyteidl::admin::NamedEntityIdentifierList* response) {
  return ListIds(deps_.registry, ResourceType::kWorkflow, request, response);
}

Status EntityService::ListLaunchPlanIds(const flyteidl::admin::NamedEntityIdentifierListRequest& request,
                                        flyteidl::admin::NamedEntityIdentifierList* response) {
  return ListIds(deps_.registry, ResourceType::kLaunchPlan, request, response);
}

Status EntityService::UpdateLaunchPlan(const flyteidl::admin::LaunchPlanUpdateRequest& request,
                                       flyteidl::admin::LaunchPlanUpdateResponse*) {
  RETURN_IF_ERROR(ValidateIdentifier(request.id(), flyteidl::core::LAUNCH_PLAN));
  return deps_.registry.SetLaunchPlanState(ToKey(ResourceType::kLaunchPlan, request.id()), request.state(),
                                           deps_.clock.NowMillis());
}

Status EntityService::GetActiveLaunchPlan(const flyteidl::admin::ActiveLaunchPlanRequest& request,
                                          flyteidl::admin::LaunchPlan* response) {
  const auto& id = request.id();
  RETURN_IF_ERROR(RequireField(id.name(), "name"));
  google::protobuf::RepeatedPtrField<flyteidl::admin::LaunchPlan> plans;
  ListParams params{1, "", "", nullptr};
  RETURN_IF_ERROR(ListEntities(deps_.registry, ResourceType::kLaunchPlan, id.project(), id.domain(), id.name(), params,
                               kActiveOnly, &plans)
                      .status());
  if (plans.empty()) {
    return absl::NotFoundError("no active launch plan named " + id.project() + "/" + id.domain() + "/" + id.name());
  }
  *response = std::move(plans[0]);
  return absl::OkStatus();
}

Status EntityService::ListActiveLaunchPlans(const flyteidl::admin::ActiveLaunchPlanListRequest& request,
                                            flyteidl::admin::LaunchPlanList* response) {
  ListParams params{request.limit(), request.token(), "", request.has_sort_by() ? &request.sort_by() : nullptr};
  ASSIGN_OR_RETURN(*response->mutable_token(),
                   ListEntities(deps_.registry, ResourceType::kLaunchPlan, request.project(), request.domain(), "",
                                params, kActiveOnly, response->mutable_launch_plans()));
  return absl::OkStatus();
}

}  // namespace flyte::admin
