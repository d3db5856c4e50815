#include "admin/admin.h"

#include "admin/registry_resolver.h"

namespace flyte::admin {

Admin::Admin(const AdminDeps& deps)
    : registry_(deps.registry),
      projects_(deps),
      entities_(deps),
      executions_(deps),
      node_executions_(deps),
      attributes_(deps),
      data_proxy_(deps, node_executions_),
      signals_(deps),
      metrics_(deps, executions_),
      v2_data_proxy_(deps, data_proxy_),
      v2_actions_(deps),
      v2_runs_(deps, v2_data_proxy_, v2_actions_),
      v2_tasks_(deps) {}

StatusOr<std::unique_ptr<Admin>> Admin::Create(AdminDeps deps) {
  std::unique_ptr<Admin> admin(new Admin(deps));
  RETURN_IF_ERROR(admin->projects().SeedProjects());
  return admin;
}

engine::ControlPlane Admin::ControlPlane() {
  return {[this](const engine::ChildLaunch& launch) { return executions_.LaunchChild(launch); },
          [this](const flyteidl::core::Identifier& id) { return RegistryResolver(registry_).GetLaunchPlan(id); }};
}

}  // namespace flyte::admin
