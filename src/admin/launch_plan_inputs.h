// A launch plan's expected inputs: the workflow's inputs minus the fixed ones, each required or
// defaulted, checked against the workflow interface as FlyteAdmin does at registration.
#pragma once

#include "common/status.h"
#include "flyteidl/core/interface.pb.h"
#include "flyteidl/core/literals.pb.h"

namespace flyte::admin {

// INVALID_ARGUMENT naming the input when a default or fixed input is not a workflow input, has
// another type, or is both fixed and defaulted.
StatusOr<flyteidl::core::ParameterMap> ExpectedInputs(const flyteidl::core::VariableMap& workflow_inputs,
                                                      const flyteidl::core::ParameterMap& default_inputs,
                                                      const flyteidl::core::LiteralMap& fixed_inputs);

}  // namespace flyte::admin
