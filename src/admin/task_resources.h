// Task resources as FlyteAdmin sets them (util.GetTaskResources and the execution manager's
// setCompiledTaskDefaults): at launch, every container task of the execution's compiled workflow
// gets the requests and limits it leaves unset, so the engine and the plugins see the resources a
// task runs with in the closure the execution keeps (a restart changes nothing).
#pragma once

#include <string>

#include "common/status.h"
#include "flyteidl/admin/matchable_resource.pb.h"
#include "flyteidl/core/tasks.pb.h"
#include "store/registry.h"

namespace flyte::admin {

// The most specific TASK_RESOURCE attributes for the workflow (workflow, else project-domain, else
// project; the first that is set, as a whole), else the platform's (`tasks.resources`).
StatusOr<flyteidl::admin::TaskResourceAttributes> ResolveTaskResources(
    store::Registry& registry, const flyteidl::admin::TaskResourceAttributes& platform, const std::string& project,
    const std::string& domain, const std::string& workflow);

// Per resource: a request the task leaves unset is its limit, else the default; a limit it leaves
// unset is its request; both are lowered to the attributes' limit (a ceiling, not a default), and
// the request to the limit. cpu and memory always (a zero is "0"); ephemeral storage and gpu when
// the task names them or a default does. Other entries are dropped, as FlyteAdmin drops them. A
// task without a container is left alone.
void SetTaskResourceDefaults(const flyteidl::admin::TaskResourceAttributes& resources,
                             flyteidl::core::TaskTemplate* task);

// Registration (FlyteAdmin's task validator): every request and limit of cpu, memory, ephemeral
// storage and gpu is a quantity named once, gpu is whole, a request is not above its limit, and
// neither is above the ceiling in `ceilings` (the limits of ResolveTaskResources for the task's
// project and domain). INVALID_ARGUMENT naming the entry.
Status ValidateTaskResources(const flyteidl::core::TaskTemplate& task,
                             const flyteidl::admin::TaskResourceSpec& ceilings);

}  // namespace flyte::admin
