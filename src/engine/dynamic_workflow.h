// The workflow a dynamic task returns: its futures.pb (a DynamicJobSpec) as a WorkflowTemplate,
// compiled against the tasks and sub-workflows the spec carries (flytepropeller's
// nodes/dynamic buildDynamicWorkflowTemplate + the admin compiler).
#pragma once

#include "common/status.h"
#include "engine/compiler.h"
#include "flyteidl/core/compiler.pb.h"
#include "flyteidl/core/dynamic_job.pb.h"
#include "flyteidl/core/identifier.pb.h"
#include "flyteidl/core/interface.pb.h"

namespace flyte::engine {

// Compiles `spec` as the workflow `workflow_id` with the dynamic task's `interface`: its nodes,
// its output bindings, its sub-workflows. Tasks are the ones embedded in the spec (they need not
// be registered); launch plans are the registered ones `launch_plans` finds (flytekit embeds
// none). Errors: INVALID_ARGUMENT naming each offending node.
StatusOr<flyteidl::core::CompiledWorkflowClosure> CompileDynamicWorkflow(
    const flyteidl::core::DynamicJobSpec& spec, const flyteidl::core::TypedInterface& interface,
    const flyteidl::core::Identifier& workflow_id, const LaunchPlanLookup& launch_plans);

}  // namespace flyte::engine
