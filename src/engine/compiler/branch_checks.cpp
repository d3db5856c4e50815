// Branch nodes: every case has a condition and a node, the else (or error) is there, conditions
// compare operands of one type and read only the branch's inputs; taken nodes bind upstream only.
#include <absl/strings/str_cat.h>

#include "engine/compiler/workflow_compiler.h"
#include "engine/type_check.h"

namespace flyte::engine::compiler {

void WorkflowCompiler::ValidateBranch(core::Node& branch) {
  const core::TypedInterface* iface = InterfaceOf(branch);
  if (iface == nullptr) return;  // the interface pass reported why
  core::IfElseBlock& if_else = *branch.mutable_branch_node()->mutable_if_else();
  std::vector<core::IfBlock*> blocks = {if_else.mutable_case_()};
  for (auto& other : *if_else.mutable_other()) blocks.push_back(&other);
  std::vector<core::Node*> children;
  for (core::IfBlock* block : blocks) {
    if (!block->has_condition()) {
      Error(branch.id(), "a branch case has no condition");
    } else {
      ValidateCondition(branch, block->condition());
    }
    if (block->has_then_node()) {
      children.push_back(block->mutable_then_node());
    } else {
      Error(branch.id(), "a branch case has no then_node");
    }
  }
  if (if_else.has_else_node()) {
    children.push_back(if_else.mutable_else_node());
  } else if (!if_else.has_error()) {
    Error(branch.id(), "branch node has neither an else_node nor an error for when no case matches");
  }
  // Branch sub-nodes read their inputs straight from the outer workflow: only upstream edges.
  // flytekit gives the branch node only what its conditions read as upstream, so the nodes its
  // sub-nodes read become the branch node's upstream too: it runs once they have (propeller makes
  // the taken sub-node wait for them instead; the outcome is the same, and the graph shows why).
  for (core::Node* child : children) {
    const core::TypedInterface* child_iface = InterfaceOf(*child);
    if (child_iface == nullptr) continue;
    ValidateNode(*child);
    ValidateBindings(*child, &child_iface->inputs(), EdgeDirection::kUpstreamOnly);
    if (auto it = upstream_.find(child->id()); it != upstream_.end()) {
      for (const std::string& up : std::set<std::string>(it->second)) {
        if (up != branch.id() && top_level_.count(up) > 0) AddEdge(up, branch.id(), EdgeDirection::kBidirectional);
      }
    }
  }
}

void WorkflowCompiler::ValidateCondition(const core::Node& branch, const core::BooleanExpression& expr) {
  switch (expr.expr_case()) {
    case core::BooleanExpression::kConjunction:
      if (!expr.conjunction().has_left_expression() || !expr.conjunction().has_right_expression()) {
        Error(branch.id(), "a conjunction in a branch condition lacks an operand");
        return;
      }
      ValidateCondition(branch, expr.conjunction().left_expression());
      ValidateCondition(branch, expr.conjunction().right_expression());
      return;
    case core::BooleanExpression::kComparison: {
      std::optional<core::LiteralType> left = OperandType(branch, expr.comparison().left_value());
      std::optional<core::LiteralType> right = OperandType(branch, expr.comparison().right_value());
      // Propeller compares primitives of one type only; other types are left to run time.
      if (left && right && left->has_simple() && right->has_simple() && left->simple() != right->simple()) {
        Error(branch.id(), absl::StrCat("a condition compares ", TypeToString(*left), " with ", TypeToString(*right)));
      }
      return;
    }
    default:
      Error(branch.id(), "a branch condition is empty");
  }
}

std::optional<core::LiteralType> WorkflowCompiler::OperandType(const core::Node& branch, const core::Operand& operand) {
  switch (operand.val_case()) {
    case core::Operand::kPrimitive:
      // Deprecated in favour of `scalar`, but it is what flytekit sends for literals.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
      return LiteralTypeOfPrimitive(operand.primitive());
#pragma GCC diagnostic pop
    case core::Operand::kVar: {
      const auto& inputs = interfaces_[&branch].iface->inputs().variables();
      auto it = inputs.find(operand.var());
      if (it == inputs.end()) {
        Error(branch.id(),
              absl::StrCat("a condition reads ", Quoted(operand.var()), ", which is not an input of the branch node"));
        return std::nullopt;
      }
      return it->second.type();
    }
    case core::Operand::kScalar:
      // flytekit's `is_none()` sends a scalar; its type is not comparable with a primitive's.
      return std::nullopt;
    default:
      Error(branch.id(), "a condition has an empty operand");
      return std::nullopt;
  }
}

}  // namespace flyte::engine::compiler
