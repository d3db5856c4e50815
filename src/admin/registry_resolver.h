// The compiler's view of the registry: tasks and launch plans a workflow refers to, as registered.
#pragma once

#include "engine/engine.h"
#include "store/registry.h"

namespace flyte::admin {

class RegistryResolver final : public engine::EntityResolver {
 public:
  explicit RegistryResolver(store::Registry& registry) : registry_(registry) {}
  StatusOr<flyteidl::core::TaskTemplate> GetTask(const flyteidl::core::Identifier& id) override;
  StatusOr<engine::LaunchPlanInterface> GetLaunchPlan(const flyteidl::core::Identifier& id) override;

 private:
  store::Registry& registry_;
};

// The registry key of a flyteidl identifier.
store::EntityKey ToKey(store::ResourceType type, const flyteidl::core::Identifier& id);

}  // namespace flyte::admin
