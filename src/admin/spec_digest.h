// Digests that tell whether a registration repeats the one stored under its id ("same content",
// answered ALREADY_EXISTS, which clients take as success) or differs (INVALID_ARGUMENT); and
// whether a Flyte 2 deployment repeats a stored version.
#pragma once

#include <flyteidl2/task/task_definition.pb.h>

#include <string>

#include "flyteidl/admin/launch_plan.pb.h"
#include "flyteidl/admin/task.pb.h"
#include "flyteidl/admin/workflow.pb.h"

namespace flyte::admin {

std::string SpecDigest(const flyteidl::admin::TaskSpec& spec);
std::string SpecDigest(const flyteidl::admin::LaunchPlanSpec& spec);
// Flyte 2's deployed tasks: a repeated `flyte deploy` of a version is no change, another spec a conflict.
std::string SpecDigest(const flyteidl2::task::TaskSpec& spec);

// On a canonical form: each node's upstream node ids sorted, at every depth (flytekit lists them
// from a Python set, so their order changes between processes; FlyteAdmin digests the compiled
// workflow, where it does not matter).
std::string SpecDigest(const flyteidl::admin::WorkflowSpec& spec);

}  // namespace flyte::admin
