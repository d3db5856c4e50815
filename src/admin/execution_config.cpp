#include "admin/execution_config.h"

#include <optional>

#include "admin/stored_attributes.h"

namespace flyte::admin {
namespace {

using flyteidl::admin::WorkflowExecutionConfig;

// FlyteAdmin's default limit on nodes running at once in one execution.
constexpr int kDefaultMaxParallelism = 25;

// The settings an ExecutionSpec or a LaunchPlanSpec carries (the two share the field names).
template <typename Spec>
WorkflowExecutionConfig SpecSettings(const Spec& spec) {
  WorkflowExecutionConfig config;
  config.set_max_parallelism(spec.max_parallelism());
  if (spec.has_security_context()) *config.mutable_security_context() = spec.security_context();
  if (spec.has_raw_output_data_config()) *config.mutable_raw_output_data_config() = spec.raw_output_data_config();
  if (spec.has_labels()) *config.mutable_labels() = spec.labels();
  if (spec.has_annotations()) *config.mutable_annotations() = spec.annotations();
  if (spec.has_interruptible()) *config.mutable_interruptible() = spec.interruptible();
  config.set_overwrite_cache(spec.overwrite_cache());
  if (spec.has_envs()) *config.mutable_envs() = spec.envs();
  return config;
}

bool SetsRunAs(const flyteidl::core::SecurityContext& context) {
  const auto& run_as = context.run_as();
  return !run_as.k8s_service_account().empty() || !run_as.iam_role().empty() || !run_as.execution_identity().empty();
}

// The settings stored for exactly this scope, if any.
StatusOr<std::optional<WorkflowExecutionConfig>> StoredConfig(store::Registry& registry, store::AttributesKey key) {
  key.resource_type = flyteidl::admin::WORKFLOW_EXECUTION_CONFIG;
  ASSIGN_OR_RETURN(std::optional<flyteidl::admin::MatchingAttributes> attributes, StoredAttributes(registry, key));
  if (!attributes) return std::nullopt;
  return attributes->workflow_execution_config();
}

}  // namespace

WorkflowExecutionConfig SettingsOf(const flyteidl::admin::LaunchPlanSpec& spec) { return SpecSettings(spec); }

WorkflowExecutionConfig PlatformExecutionConfig() {
  WorkflowExecutionConfig config;
  config.set_max_parallelism(kDefaultMaxParallelism);
  return config;
}

void MergeExecutionConfig(const WorkflowExecutionConfig& from, WorkflowExecutionConfig* into) {
  if (into->max_parallelism() == 0 && from.max_parallelism() > 0) into->set_max_parallelism(from.max_parallelism());
  if (!into->has_security_context() && SetsRunAs(from.security_context())) {
    *into->mutable_security_context() = from.security_context();
  }
  if (!into->has_labels() && !from.labels().values().empty()) *into->mutable_labels() = from.labels();
  if (!into->has_annotations() && !from.annotations().values().empty()) {
    *into->mutable_annotations() = from.annotations();
  }
  if (!into->has_raw_output_data_config() && !from.raw_output_data_config().output_location_prefix().empty()) {
    *into->mutable_raw_output_data_config() = from.raw_output_data_config();
  }
  if (!into->has_interruptible() && from.has_interruptible()) *into->mutable_interruptible() = from.interruptible();
  if (!into->overwrite_cache() && from.overwrite_cache()) into->set_overwrite_cache(true);
  if (into->envs().values().empty() && !from.envs().values().empty()) *into->mutable_envs() = from.envs();
}

StatusOr<WorkflowExecutionConfig> ResolveExecutionConfig(store::Registry& registry,
                                                         const flyteidl::admin::ExecutionSpec& request,
                                                         const Launchable& launchable, const std::string& project,
                                                         const std::string& domain) {
  WorkflowExecutionConfig config;
  MergeExecutionConfig(SpecSettings(request), &config);
  MergeExecutionConfig(launchable.settings, &config);
  const store::AttributesKey workflow_scope{0, project, domain, launchable.workflow_name, ""};
  const store::AttributesKey project_domain_scope{0, project, domain, "", ""};
  const store::AttributesKey project_scope{0, project, "", "", ""};
  std::optional<WorkflowExecutionConfig> specific;
  if (!launchable.workflow_name.empty()) {
    ASSIGN_OR_RETURN(specific, StoredConfig(registry, workflow_scope));
  }
  if (!specific) {
    ASSIGN_OR_RETURN(specific, StoredConfig(registry, project_domain_scope));
  }
  ASSIGN_OR_RETURN(std::optional<WorkflowExecutionConfig> project_wide, StoredConfig(registry, project_scope));
  if (specific) MergeExecutionConfig(*specific, &config);
  if (project_wide) MergeExecutionConfig(*project_wide, &config);
  MergeExecutionConfig(PlatformExecutionConfig(), &config);
  return config;
}

void ApplyExecutionConfig(const WorkflowExecutionConfig& config, flyteidl::admin::ExecutionSpec* spec) {
  spec->set_max_parallelism(config.max_parallelism());
  if (config.has_security_context()) *spec->mutable_security_context() = config.security_context();
  if (config.has_raw_output_data_config()) *spec->mutable_raw_output_data_config() = config.raw_output_data_config();
  if (config.has_labels()) *spec->mutable_labels() = config.labels();
  if (config.has_annotations()) *spec->mutable_annotations() = config.annotations();
  if (config.has_interruptible()) *spec->mutable_interruptible() = config.interruptible();
  spec->set_overwrite_cache(config.overwrite_cache());
  if (config.has_envs()) *spec->mutable_envs() = config.envs();
}

}  // namespace flyte::admin
