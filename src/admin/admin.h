// Front header of the admin layer: FlyteAdmin's services (projects, entities, executions, node
// and task executions, attributes, data proxy, signals, metrics), and Flyte 2's (projects, data
// proxy, runs, actions, deployed tasks), as transport-free classes over the store, each declaring
// its handlers; `Admin` builds and owns them.
// Thread-safe: handlers run concurrently on the transport's threads; the store serialises writes.
#pragma once

#include <memory>

#include "admin/attribute_service.h"
#include "admin/data_proxy_service.h"
#include "admin/deps.h"
#include "admin/entity_service.h"
#include "admin/execution_service.h"
#include "admin/metrics_service.h"
#include "admin/node_execution_service.h"
#include "admin/project_service.h"
#include "admin/signal_service.h"
#include "admin/v2_actions_service.h"
#include "admin/v2_data_proxy.h"
#include "admin/v2_projects.h"
#include "admin/v2_runs.h"
#include "admin/v2_tasks.h"
#include "admin/version_service.h"

namespace flyte::admin {

class Admin {
 public:
  // Builds the services over `deps` and seeds the configured projects on first start.
  static StatusOr<std::unique_ptr<Admin>> Create(AdminDeps deps);
  Admin(const Admin&) = delete;
  Admin& operator=(const Admin&) = delete;

  VersionService& version() { return version_; }
  ProjectService& projects() { return projects_; }
  EntityService& entities() { return entities_; }
  ExecutionService& executions() { return executions_; }
  NodeExecutionService& node_executions() { return node_executions_; }
  AttributeService& attributes() { return attributes_; }
  DataProxyService& data_proxy() { return data_proxy_; }
  SignalService& signals() { return signals_; }
  MetricsService& metrics() { return metrics_; }
  // Flyte 2 (flyteidl2) services.
  V2ProjectService& v2_projects() { return v2_projects_; }
  V2DataProxyService& v2_data_proxy() { return v2_data_proxy_; }
  V2RunService& v2_runs() { return v2_runs_; }
  V2ActionsService& v2_actions() { return v2_actions_; }
  V2TaskService& v2_tasks() { return v2_tasks_; }

  // What the engine asks of the admin layer: child executions of launch plan nodes (through the
  // executions service) and the interfaces of registered launch plans. Valid while this lives.
  engine::ControlPlane ControlPlane();

 private:
  explicit Admin(const AdminDeps& deps);

  store::Registry& registry_;
  VersionService version_;
  ProjectService projects_;
  EntityService entities_;
  ExecutionService executions_;
  NodeExecutionService node_executions_;
  AttributeService attributes_;
  DataProxyService data_proxy_;
  SignalService signals_;
  MetricsService metrics_;
  V2ProjectService v2_projects_{projects_};
  V2DataProxyService v2_data_proxy_;
  V2ActionsService v2_actions_;
  V2RunService v2_runs_;
  V2TaskService v2_tasks_;
};

}  // namespace flyte::admin
