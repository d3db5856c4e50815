#include "engine/branch_eval.h"

#include <absl/strings/str_cat.h>

#include <utility>
#include <variant>

namespace flyte::engine {
namespace {

namespace core = flyteidl::core;
using Operator = core::ComparisonExpression::Operator;

// What an operand evaluates to: a primitive, or none (flytekit's `is_none()` and Optional values).
struct NoneValue {};
using OperandValue = std::variant<core::Primitive, NoneValue>;

// flyteidl's own names ("EQ", "GTE"...), as propeller prints them.
std::string OperatorName(Operator op) {
  const std::string& name = core::ComparisonExpression::Operator_Name(op);
  return name.empty() ? "unknown" : name;
}

// As propeller names them in its errors.
constexpr std::pair<core::Primitive::ValueCase, const char*> kPrimitiveKindNames[] = {
    {core::Primitive::kInteger, "integer"},    {core::Primitive::kFloatValue, "float"},
    {core::Primitive::kStringValue, "string"}, {core::Primitive::kBoolean, "boolean"},
    {core::Primitive::kDatetime, "datetime"},  {core::Primitive::kDuration, "duration"},
};

const char* PrimitiveKindName(core::Primitive::ValueCase kind) {
  for (const auto& [value_case, name] : kPrimitiveKindNames) {
    if (value_case == kind) return name;
  }
  return "empty primitive";
}

// A scalar as an operand value. Unions are looked through, so that an Optional[int] var compares
// by its value and an Optional holding None is none.
StatusOr<OperandValue> ScalarValue(const core::Scalar& scalar, const std::string& what) {
  if (scalar.has_primitive()) return OperandValue(scalar.primitive());
  if (scalar.has_none_type()) return OperandValue(NoneValue{});
  if (scalar.has_union_() && scalar.union_().value().has_scalar()) {
    return ScalarValue(scalar.union_().value().scalar(), what);
  }
  return absl::InvalidArgumentError(absl::StrCat("Only primitives can be compared. ", what, " is non primitive."));
}

// Operand.primitive is deprecated in favour of Operand.scalar, yet flytekit still emits it for
// every literal operand other than None.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
const core::Primitive& DeprecatedPrimitive(const core::Operand& operand) { return operand.primitive(); }
#pragma GCC diagnostic pop

StatusOr<OperandValue> OperandToValue(const core::Operand& operand, const core::LiteralMap& inputs, const char* side) {
  switch (operand.val_case()) {
    case core::Operand::kPrimitive:
      return OperandValue(DeprecatedPrimitive(operand));
    case core::Operand::kScalar:
      return ScalarValue(operand.scalar(), absl::StrCat(side, " operand"));
    case core::Operand::kVar: {
      auto it = inputs.literals().find(operand.var());
      if (it == inputs.literals().end()) {
        return absl::InvalidArgumentError(absl::StrCat("Failed to find value for variable [", operand.var(), "]"));
      }
      if (!it->second.has_scalar()) {
        return absl::InvalidArgumentError(absl::StrCat("Only primitives can be compared. ", side, " variable [",
                                                       operand.var(), "] is non primitive."));
      }
      return ScalarValue(it->second.scalar(), absl::StrCat(side, " variable [", operand.var(), "]"));
    }
    case core::Operand::VAL_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError(absl::StrCat(side, " operand is empty"));
}

// Strict "greater than" and equality per primitive kind, as propeller's per-type comparators.
// Datetimes and durations compare whole seconds only, as there.
template <typename T>
std::pair<bool, bool> GreaterEqual(const T& l, const T& r) {
  return {l > r, l == r};
}

StatusOr<std::pair<bool, bool>> ComparePrimitives(const core::Primitive& l, const core::Primitive& r) {
  switch (l.value_case()) {
    case core::Primitive::kInteger:
      return GreaterEqual(l.integer(), r.integer());
    case core::Primitive::kFloatValue:
      return GreaterEqual(l.float_value(), r.float_value());
    case core::Primitive::kStringValue:
      return GreaterEqual(l.string_value(), r.string_value());
    case core::Primitive::kBoolean:
      return GreaterEqual(l.boolean(), r.boolean());
    case core::Primitive::kDatetime:
      return GreaterEqual(l.datetime().seconds(), r.datetime().seconds());
    case core::Primitive::kDuration:
      return GreaterEqual(l.duration().seconds(), r.duration().seconds());
    case core::Primitive::VALUE_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("comparator not defined for an empty primitive");
}

StatusOr<bool> EvaluatePrimitives(const core::Primitive& l, const core::Primitive& r, Operator op) {
  if (l.value_case() != r.value_case()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Comparison between different primitive types: ", PrimitiveKindName(l.value_case()), " and ",
                     PrimitiveKindName(r.value_case())));
  }
  const bool ordering = op != core::ComparisonExpression::EQ && op != core::ComparisonExpression::NEQ;
  if (ordering && l.value_case() == core::Primitive::kBoolean) {
    return absl::InvalidArgumentError(absl::StrCat("[", OperatorName(op), "] not defined for boolean operands."));
  }
  ASSIGN_OR_RETURN(auto gt_eq, ComparePrimitives(l, r));
  const auto [gt, eq] = gt_eq;
  // LT/LTE are derived from GT/EQ as in propeller (which decides how NaN compares).
  switch (op) {
    case core::ComparisonExpression::EQ:
      return eq;
    case core::ComparisonExpression::NEQ:
      return !eq;
    case core::ComparisonExpression::GT:
      return gt;
    case core::ComparisonExpression::GTE:
      return gt || eq;
    case core::ComparisonExpression::LT:
      return !(gt || eq);
    case core::ComparisonExpression::LTE:
      return !gt;
    default:
      break;
  }
  return absl::InvalidArgumentError(absl::StrCat("unsupported comparison operator ", static_cast<int>(op)));
}

// none equals none and nothing else; ordering against none is meaningless.
StatusOr<bool> EvaluateWithNone(bool left_none, bool right_none, Operator op) {
  switch (op) {
    case core::ComparisonExpression::EQ:
      return left_none == right_none;
    case core::ComparisonExpression::NEQ:
      return left_none != right_none;
    default:
      break;
  }
  return absl::InvalidArgumentError(absl::StrCat("[", OperatorName(op), "] not defined for none operands."));
}

StatusOr<bool> EvaluateComparison(const core::ComparisonExpression& comparison, const core::LiteralMap& inputs) {
  ASSIGN_OR_RETURN(OperandValue left, OperandToValue(comparison.left_value(), inputs, "LHS"));
  ASSIGN_OR_RETURN(OperandValue right, OperandToValue(comparison.right_value(), inputs, "RHS"));
  const bool left_none = std::holds_alternative<NoneValue>(left);
  const bool right_none = std::holds_alternative<NoneValue>(right);
  if (left_none || right_none) return EvaluateWithNone(left_none, right_none, comparison.operator_());
  return EvaluatePrimitives(std::get<core::Primitive>(left), std::get<core::Primitive>(right), comparison.operator_());
}

}  // namespace

StatusOr<bool> EvaluateBooleanExpression(const core::BooleanExpression& expression, const core::LiteralMap& inputs) {
  if (expression.has_comparison()) return EvaluateComparison(expression.comparison(), inputs);
  if (!expression.has_conjunction()) {
    return absl::InvalidArgumentError("No Comparison or Conjunction found in Branch node expression.");
  }
  const core::ConjunctionExpression& conjunction = expression.conjunction();
  ASSIGN_OR_RETURN(bool left, EvaluateBooleanExpression(conjunction.left_expression(), inputs));
  const bool is_or = conjunction.operator_() == core::ConjunctionExpression::OR;
  if (is_or && left) return true;
  if (!is_or && !left) return false;
  return EvaluateBooleanExpression(conjunction.right_expression(), inputs);
}

StatusOr<BranchDecision> EvaluateBranch(const core::BranchNode& branch, const core::LiteralMap& inputs) {
  const core::IfElseBlock& if_else = branch.if_else();
  BranchDecision decision;
  bool selected = false;
  // `case` first, then each `other`; once one is taken the rest are skipped without evaluation.
  auto consider = [&](const core::IfBlock& block) -> Status {
    const std::string& id = block.then_node().id();
    if (!selected) {
      ASSIGN_OR_RETURN(selected, EvaluateBooleanExpression(block.condition(), inputs));
      if (selected) {
        decision.selected_node_id = id;
        return absl::OkStatus();
      }
    }
    decision.skipped.push_back(id);
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(consider(if_else.case_()));
  for (const core::IfBlock& other : if_else.other()) RETURN_IF_ERROR(consider(other));

  if (if_else.has_else_node()) {
    if (selected) {
      decision.skipped.push_back(if_else.else_node().id());
    } else {
      decision.selected_node_id = if_else.else_node().id();
      selected = true;
    }
  }
  if (selected) return decision;
  if (if_else.has_error()) {
    decision.error = if_else.error();
    return decision;
  }
  return absl::FailedPreconditionError("No branch satisfied");
}

}  // namespace flyte::engine
