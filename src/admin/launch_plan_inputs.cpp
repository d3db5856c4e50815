#include "admin/launch_plan_inputs.h"

#include "engine/engine.h"

namespace flyte::admin {

StatusOr<flyteidl::core::ParameterMap> ExpectedInputs(const flyteidl::core::VariableMap& workflow_inputs,
                                                      const flyteidl::core::ParameterMap& default_inputs,
                                                      const flyteidl::core::LiteralMap& fixed_inputs) {
  const auto& variables = workflow_inputs.variables();
  const auto& defaults = default_inputs.parameters();
  for (const auto& [name, literal] : fixed_inputs.literals()) {
    if (!variables.contains(name)) {
      return absl::InvalidArgumentError("fixed input \"" + name + "\" is not an input of the workflow");
    }
    if (defaults.contains(name)) {
      return absl::InvalidArgumentError("input \"" + name + "\" is both fixed and defaulted");
    }
  }
  flyteidl::core::ParameterMap expected;
  for (const auto& [name, parameter] : defaults) {
    auto variable = variables.find(name);
    if (variable == variables.end()) {
      return absl::InvalidArgumentError("default input \"" + name + "\" is not an input of the workflow");
    }
    if (parameter.var().has_type() && !engine::AreTypesCastable(parameter.var().type(), variable->second.type())) {
      return absl::InvalidArgumentError("default input \"" + name + "\" has type " +
                                        engine::TypeToString(parameter.var().type()) + " but the workflow expects " +
                                        engine::TypeToString(variable->second.type()));
    }
    (*expected.mutable_parameters())[name] = parameter;
  }
  for (const auto& [name, variable] : variables) {
    if (fixed_inputs.literals().contains(name) || defaults.contains(name)) continue;
    flyteidl::core::Parameter required;
    *required.mutable_var() = variable;
    required.set_required(true);
    (*expected.mutable_parameters())[name] = required;
  }
  return expected;
}

}  // namespace flyte::admin
