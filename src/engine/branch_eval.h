// Branch node evaluation: which then/else node a BranchNode runs given its resolved inputs, after
// flytepropeller's pkg/controller/nodes/branch/evaluator.go and comparator.go.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "flyteidl/core/literals.pb.h"
#include "flyteidl/core/types.pb.h"
#include "flyteidl/core/workflow.pb.h"

namespace flyte::engine {

struct BranchDecision {
  std::string selected_node_id;                // the then/else node to run; empty when `error` was taken
  std::vector<std::string> skipped;            // ids of the other then-nodes / else node (to report SKIPPED)
  std::optional<flyteidl::core::Error> error;  // IfElseBlock.error when no case matched
};

// Evaluates `case`, then each `other` in order (the first true one wins), then else_node / error.
// `inputs` are the branch node's resolved inputs (Operand.var looks them up). Node ids are returned
// as they appear in `branch` (the compiler's `<branch id>-<node id>` names in a compiled template).
//
// Comparisons, as propeller's comparator: only between primitives of the same kind (an int is never
// compared with a float); GT/GTE/LT/LTE are undefined for booleans; datetimes and durations compare
// by whole seconds. Beyond propeller (which rejects anything but primitives):
//  - flytekit's `is_none()` operand, `Operand.scalar` holding none_type, is supported with EQ/NEQ:
//    a value is none when it is Scalar.none_type or a Scalar.union wrapping none; none equals only
//    none; ordering against none is an error;
//  - a var holding a Scalar.union is compared by the value it wraps (as flytekit's local run does).
// AND/OR short-circuit like flytekit's local evaluation (propeller evaluates both sides, so it also
// fails when the unneeded side is invalid).
//
// Errors: INVALID_ARGUMENT for incomparable operands, an unknown operator, an empty expression or a
// var missing from `inputs`; FAILED_PRECONDITION "No branch satisfied" when nothing matched and there
// is neither else_node nor error.
StatusOr<BranchDecision> EvaluateBranch(const flyteidl::core::BranchNode& branch,
                                        const flyteidl::core::LiteralMap& inputs);

// One boolean expression over `inputs`, as used for each case of a branch.
StatusOr<bool> EvaluateBooleanExpression(const flyteidl::core::BooleanExpression& expression,
                                         const flyteidl::core::LiteralMap& inputs);

}  // namespace flyte::engine
