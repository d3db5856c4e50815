// Digests that tell whether a registration repeats the one stored under its id ("same content",
// answered ALREADY_EXISTS, which clients take as success) or differs (INVALID_ARGUMENT).
#pragma once

#include <string>

#include "flyteidl/admin/launch_plan.pb.h"
#include "flyteidl/admin/task.pb.h"
#include "flyteidl/admin/workflow.pb.h"

namespace flyte::admin {

std::string SpecDigest(const flyteidl::admin::TaskSpec& spec);
std::string SpecDigest(const flyteidl::admin::LaunchPlanSpec& spec);

// On a canonical form: each node's upstream node ids sorted, at every depth (flytekit lists them
// from a Python set, so their order changes between processes; FlyteAdmin digests the compiled
// workflow, where it does not matter).
std::string SpecDigest(const flyteidl::admin::WorkflowSpec& spec);

}  // namespace flyte::admin
