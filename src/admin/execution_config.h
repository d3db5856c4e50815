// Execution settings (FlyteAdmin's WorkflowExecutionConfig): where an execution's max_parallelism,
// envs, labels, annotations, interruptible, overwrite_cache, security context and raw output
// location come from, and the platform's defaults.
#pragma once

#include <string>

#include "admin/launchable.h"
#include "common/status.h"
#include "flyteidl/admin/execution.pb.h"
#include "flyteidl/admin/launch_plan.pb.h"
#include "flyteidl/admin/matchable_resource.pb.h"
#include "store/registry.h"

namespace flyte::admin {

// What an execution gets when nothing else sets a field (FlyteAdmin's top-level application
// configuration, as the sandbox runs it).
flyteidl::admin::WorkflowExecutionConfig PlatformExecutionConfig();

// The settings a launch plan sets for its executions.
flyteidl::admin::WorkflowExecutionConfig SettingsOf(const flyteidl::admin::LaunchPlanSpec& spec);

// Sets the fields `into` leaves unset from `from`: layered from the most specific, the first
// layer that sets a field wins (FlyteAdmin's MergeIntoExecConfig).
void MergeExecutionConfig(const flyteidl::admin::WorkflowExecutionConfig& from,
                          flyteidl::admin::WorkflowExecutionConfig* into);

// FlyteAdmin's order: the request, the launch plan, the most specific matchable attributes for
// the workflow (workflow, else project-domain, else project), the project's, the platform's.
StatusOr<flyteidl::admin::WorkflowExecutionConfig> ResolveExecutionConfig(store::Registry& registry,
                                                                          const flyteidl::admin::ExecutionSpec& request,
                                                                          const Launchable& launchable,
                                                                          const std::string& project,
                                                                          const std::string& domain);

// Writes the resolved settings into the execution's spec, where the engine reads them.
void ApplyExecutionConfig(const flyteidl::admin::WorkflowExecutionConfig& config, flyteidl::admin::ExecutionSpec* spec);

}  // namespace flyte::admin
