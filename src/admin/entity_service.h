// Registered entities (FlyteAdmin's task, workflow, launch plan, named entity and description
// entity managers): idempotent, content-checked registration that compiles workflows through the
// engine; get and list by version or by name; launch plan activation.
// Thread-safe: handlers run concurrently on the transport's threads; the store serialises writes.
#pragma once

#include "admin/deps.h"
#include "flyteidl/admin/description_entity.pb.h"
#include "flyteidl/admin/launch_plan.pb.h"
#include "flyteidl/admin/task.pb.h"
#include "flyteidl/admin/workflow.pb.h"

namespace flyte::admin {

class EntityService {
 public:
  explicit EntityService(AdminDeps deps) : deps_(std::move(deps)) {}

  // Tasks (entities.cpp).
  Status CreateTask(const flyteidl::admin::TaskCreateRequest& request, flyteidl::admin::TaskCreateResponse* response);
  Status GetTask(const flyteidl::admin::ObjectGetRequest& request, flyteidl::admin::Task* response);
  Status ListTasks(const flyteidl::admin::ResourceListRequest& request, flyteidl::admin::TaskList* response);
  Status ListTaskIds(const flyteidl::admin::NamedEntityIdentifierListRequest& request,
                     flyteidl::admin::NamedEntityIdentifierList* response);

  // Workflows (entities.cpp).
  Status CreateWorkflow(const flyteidl::admin::WorkflowCreateRequest& request,
                        flyteidl::admin::WorkflowCreateResponse* response);
  Status GetWorkflow(const flyteidl::admin::ObjectGetRequest& request, flyteidl::admin::Workflow* response);
  Status ListWorkflows(const flyteidl::admin::ResourceListRequest& request, flyteidl::admin::WorkflowList* response);
  Status ListWorkflowIds(const flyteidl::admin::NamedEntityIdentifierListRequest& request,
                         flyteidl::admin::NamedEntityIdentifierList* response);

  // Launch plans (entities.cpp).
  Status CreateLaunchPlan(const flyteidl::admin::LaunchPlanCreateRequest& request,
                          flyteidl::admin::LaunchPlanCreateResponse* response);
  Status GetLaunchPlan(const flyteidl::admin::ObjectGetRequest& request, flyteidl::admin::LaunchPlan* response);
  Status ListLaunchPlans(const flyteidl::admin::ResourceListRequest& request,
                         flyteidl::admin::LaunchPlanList* response);
  Status ListLaunchPlanIds(const flyteidl::admin::NamedEntityIdentifierListRequest& request,
                           flyteidl::admin::NamedEntityIdentifierList* response);
  Status UpdateLaunchPlan(const flyteidl::admin::LaunchPlanUpdateRequest& request,
                          flyteidl::admin::LaunchPlanUpdateResponse* response);
  Status GetActiveLaunchPlan(const flyteidl::admin::ActiveLaunchPlanRequest& request,
                             flyteidl::admin::LaunchPlan* response);
  Status ListActiveLaunchPlans(const flyteidl::admin::ActiveLaunchPlanListRequest& request,
                               flyteidl::admin::LaunchPlanList* response);

  // Named entities and description entities (named_entities.cpp).
  Status GetNamedEntity(const flyteidl::admin::NamedEntityGetRequest& request, flyteidl::admin::NamedEntity* response);
  Status ListNamedEntities(const flyteidl::admin::NamedEntityListRequest& request,
                           flyteidl::admin::NamedEntityList* response);
  Status UpdateNamedEntity(const flyteidl::admin::NamedEntityUpdateRequest& request,
                           flyteidl::admin::NamedEntityUpdateResponse* response);
  Status GetDescriptionEntity(const flyteidl::admin::ObjectGetRequest& request,
                              flyteidl::admin::DescriptionEntity* response);
  Status ListDescriptionEntities(const flyteidl::admin::DescriptionEntityListRequest& request,
                                 flyteidl::admin::DescriptionEntityList* response);

 private:
  // Keeps the description a task or workflow was registered with (first registration wins).
  Status StoreDescription(store::ResourceType type, const flyteidl::core::Identifier& id,
                          const flyteidl::admin::DescriptionEntity& description);
  // The row of a new task or workflow (`spec` is its TaskSpec or WorkflowSpec): `entity` stamped
  // with its creation time and the spec's short description; the spec's description is kept.
  template <typename Entity, typename Spec>
  StatusOr<store::EntityRow> NewEntityRow(store::ResourceType type, const flyteidl::core::Identifier& id,
                                          const Spec& spec, Entity& entity);

  AdminDeps deps_;
};

}  // namespace flyte::admin
