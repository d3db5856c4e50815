// What an execution runs, resolved from the registry: a launch plan's workflow, or a single task
// wrapped in a one-node workflow as FlyteAdmin does; and the inputs it ends up with.
#pragma once

#include <string>

#include "common/status.h"
#include "flyteidl/admin/matchable_resource.pb.h"
#include "flyteidl/core/compiler.pb.h"
#include "flyteidl/core/identifier.pb.h"
#include "flyteidl/core/interface.pb.h"
#include "flyteidl/core/literals.pb.h"
#include "store/registry.h"

namespace flyte::admin {

struct Launchable {
  flyteidl::core::CompiledWorkflowClosure closure;
  flyteidl::core::ParameterMap expected_inputs;
  flyteidl::core::LiteralMap fixed_inputs;
  std::string launch_plan_name, workflow_name, task_name;  // for the execution's list columns
  flyteidl::admin::WorkflowExecutionConfig settings;       // the launch plan's execution settings
};

// `id` names a task when its resource_type is TASK, else a launch plan. INVALID_ARGUMENT for an
// incomplete identifier, NOT_FOUND when it (or the launch plan's workflow) is not registered.
StatusOr<Launchable> ResolveLaunchable(store::Registry& registry, const flyteidl::core::Identifier& id);

// Defaults, then the caller's inputs, then fixed ones; INVALID_ARGUMENT naming the input when the
// caller sets a fixed or unknown one, or leaves a required one unset.
StatusOr<flyteidl::core::LiteralMap> MergeInputs(const Launchable& launchable, const flyteidl::core::LiteralMap& given);

}  // namespace flyte::admin
