// Node interfaces: what each kind of node takes and returns (tasks, sub-workflows, launch plans,
// branches, gates, arrays), computed once per node, and the outputs others may bind to.
#include <absl/strings/str_cat.h>

#include "engine/compiler/closure_builder.h"
#include "engine/compiler/workflow_compiler.h"
#include "engine/type_check.h"

namespace flyte::engine::compiler {
namespace {

core::LiteralType ListOf(const core::LiteralType& element) {
  core::LiteralType list;
  *list.mutable_collection_type() = element;
  return list;
}

}  // namespace

const core::TypedInterface* WorkflowCompiler::InterfaceOf(core::Node& node) {
  auto [it, inserted] = interfaces_.try_emplace(&node);
  InterfaceSlot& slot = it->second;  // std::map references survive later insertions
  if (!inserted) {
    if (slot.state == SlotState::kResolving) {
      Error(node.id(), "its inputs are derived from its own outputs (cycle)");
      return nullptr;
    }
    return slot.iface ? &*slot.iface : nullptr;
  }
  std::optional<core::TypedInterface> iface = ComputeInterface(node);
  if (iface) {
    NormalizeInterface(*iface);
    if (!ValidateVariables(node.id(), *iface)) iface.reset();
  }
  slot.iface = std::move(iface);
  slot.state = SlotState::kDone;
  return slot.iface ? &*slot.iface : nullptr;
}

std::optional<core::TypedInterface> WorkflowCompiler::ComputeInterface(core::Node& node) {
  switch (node.target_case()) {
    case core::Node::kTaskNode:
      return TaskInterface(node);
    case core::Node::kWorkflowNode:
      return WorkflowNodeInterface(node);
    case core::Node::kBranchNode:
      return BranchInterface(node);
    case core::Node::kGateNode:
      return GateInterface(node);
    case core::Node::kArrayNode:
      return ArrayInterface(node);
    default:
      Error(node.id(), "has no target (task, workflow, branch, gate or array node)");
      return std::nullopt;
  }
}

std::optional<core::TypedInterface> WorkflowCompiler::TaskInterface(const core::Node& node) {
  if (!node.task_node().has_reference_id()) {
    Error(node.id(), "task node has no reference_id");
    return std::nullopt;
  }
  const core::TaskTemplate* task = builder_.Task(node.task_node().reference_id(), NodeMessage(node.id(), ""));
  if (task == nullptr) return std::nullopt;
  return task->interface();
}

std::optional<core::TypedInterface> WorkflowCompiler::WorkflowNodeInterface(const core::Node& node) {
  const core::WorkflowNode& wf = node.workflow_node();
  if (wf.has_launchplan_ref()) return LaunchPlanNodeInterface(node);
  if (!wf.has_sub_workflow_ref()) {
    Error(node.id(), "workflow node has neither a launchplan_ref nor a sub_workflow_ref");
    return std::nullopt;
  }
  const core::WorkflowTemplate* sub = builder_.SubWorkflowTemplate(wf.sub_workflow_ref());
  if (sub == nullptr) {
    Error(node.id(), absl::StrCat("sub-workflow ", IdentifierToString(wf.sub_workflow_ref()),
                                  " is not among the workflow's sub-workflows"));
    return std::nullopt;
  }
  return sub->interface();
}

// Inputs: the launch plan's required inputs plus the defaulted ones this node overrides; a
// defaulted input left unbound takes the launch plan's default.
std::optional<core::TypedInterface> WorkflowCompiler::LaunchPlanNodeInterface(const core::Node& node) {
  const LaunchPlanInterface* plan =
      builder_.LaunchPlan(node.workflow_node().launchplan_ref(), NodeMessage(node.id(), ""));
  if (plan == nullptr) return std::nullopt;
  std::set<std::string> bound;
  for (const auto& binding : node.inputs()) bound.insert(binding.var());
  core::TypedInterface iface;
  auto& inputs = *iface.mutable_inputs()->mutable_variables();
  for (const auto& [name, param] : plan->inputs.parameters()) {
    if (param.required() || bound.count(name) > 0) inputs[name] = param.var();
  }
  *iface.mutable_outputs() = plan->outputs;
  return iface;
}

// Outputs: those every branch produces, with agreeing types. Inputs: whatever the branch node
// binds (the variables its conditions read), typed by what they are bound to.
std::optional<core::TypedInterface> WorkflowCompiler::BranchInterface(core::Node& node) {
  core::IfElseBlock* if_else = node.mutable_branch_node()->mutable_if_else();
  if (!node.branch_node().has_if_else() || !if_else->has_case_() || !if_else->case_().has_then_node()) {
    Error(node.id(), "branch node needs an if_else block with a case and its then_node");
    return std::nullopt;
  }
  std::vector<core::Node*> branches = {if_else->mutable_case_()->mutable_then_node()};
  for (auto& other : *if_else->mutable_other()) {
    if (other.has_then_node()) branches.push_back(other.mutable_then_node());
  }
  if (if_else->has_else_node()) branches.push_back(if_else->mutable_else_node());

  bool ok = true;
  std::optional<core::VariableMap> outputs;
  for (core::Node* branch : branches) {
    // Branch nodes are renamed after their parent, as propeller does (branchNodeIDFormatter).
    branch->set_id(absl::StrCat(node.id(), "-", branch->id()));
    const core::TypedInterface* iface = InterfaceOf(*branch);
    if (iface == nullptr) {
      ok = false;
      continue;
    }
    if (!outputs) {
      outputs = iface->outputs();
      continue;
    }
    auto& common = *outputs->mutable_variables();
    for (auto it = common.begin(); it != common.end();) {
      auto other = iface->outputs().variables().find(it->first);
      if (other == iface->outputs().variables().end()) {
        it = common.erase(it);
        continue;
      }
      const core::LiteralType& a = it->second.type();
      const core::LiteralType& b = other->second.type();
      if (!AreTypesCastable(a, b) || !AreTypesCastable(b, a)) {
        Error(node.id(), absl::StrCat("branches disagree on the type of output ", Quoted(it->first), ": ",
                                      TypeToString(a), " vs ", TypeToString(b), " (in ", Quoted(branch->id()), ")"));
        ok = false;
      }
      ++it;
    }
  }
  std::optional<core::VariableMap> inputs = ValidateBindings(node, nullptr, EdgeDirection::kUpstreamOnly);
  if (!ok || !inputs || !outputs) return std::nullopt;
  core::TypedInterface iface;
  *iface.mutable_inputs() = *std::move(inputs);
  *iface.mutable_outputs() = *std::move(outputs);
  return iface;
}

std::optional<core::TypedInterface> WorkflowCompiler::GateInterface(core::Node& node) {
  const core::GateNode& gate = node.gate_node();
  core::TypedInterface iface;
  switch (gate.condition_case()) {
    case core::GateNode::kApprove: {
      // Approval passes its inputs through, so outputs = inputs, typed by their bindings.
      std::optional<core::VariableMap> inputs = ValidateBindings(node, nullptr, EdgeDirection::kUpstreamOnly);
      if (!inputs) return std::nullopt;
      *iface.mutable_inputs() = *inputs;
      *iface.mutable_outputs() = *std::move(inputs);
      return iface;
    }
    case core::GateNode::kSignal:
      if (!gate.signal().has_type()) {
        Error(node.id(), "signal gate has no type");
        return std::nullopt;
      }
      if (gate.signal().output_variable_name().empty()) {
        Error(node.id(), "signal gate has no output_variable_name");
        return std::nullopt;
      }
      iface.mutable_inputs();
      *(*iface.mutable_outputs()->mutable_variables())[gate.signal().output_variable_name()].mutable_type() =
          gate.signal().type();
      return iface;
    case core::GateNode::kSleep:
      return iface;
    default:
      Error(node.id(), "gate node has no condition (approve, signal or sleep)");
      return std::nullopt;
  }
}

// Propeller takes the sub-node's interface as is: flytekit's map tasks register a task whose
// interface is already the list interface. ArrayNodes over launch plans keep the original
// interface (is_original_sub_node_interface) and get every unbound variable wrapped here.
std::optional<core::TypedInterface> WorkflowCompiler::ArrayInterface(core::Node& node) {
  core::ArrayNode& array = *node.mutable_array_node();
  if (!array.has_node()) {
    Error(node.id(), "array node has no sub-node");
    return std::nullopt;
  }
  const core::TypedInterface* inner = InterfaceOf(*array.mutable_node());
  if (inner == nullptr) return std::nullopt;
  core::TypedInterface iface = *inner;
  if (!array.has_is_original_sub_node_interface() || !array.is_original_sub_node_interface().value()) {
    return iface;
  }
  const std::set<std::string> bound(array.bound_inputs().begin(), array.bound_inputs().end());
  for (auto& [name, var] : *iface.mutable_inputs()->mutable_variables()) {
    if (bound.count(name) == 0) *var.mutable_type() = ListOf(var.type());
  }
  for (auto& [name, var] : *iface.mutable_outputs()->mutable_variables()) {
    *var.mutable_type() = ListOf(var.type());
  }
  return iface;
}

// The outputs other nodes may bind to, after the node's output aliases.
std::optional<core::VariableMap> WorkflowCompiler::EffectiveOutputs(const core::Node& node,
                                                                    const core::TypedInterface& iface) {
  if (node.output_aliases().empty()) return iface.outputs();
  core::VariableMap outputs = iface.outputs();
  auto& vars = *outputs.mutable_variables();
  bool ok = true;
  for (const auto& alias : node.output_aliases()) {
    auto it = vars.find(alias.var());
    if (it == vars.end()) {
      Error(node.id(),
            absl::StrCat("output alias ", Quoted(alias.alias()), " refers to unknown output ", Quoted(alias.var())));
      ok = false;
      continue;
    }
    core::Variable var = it->second;
    vars.erase(it);
    if (!vars.insert({alias.alias(), std::move(var)}).second) {
      Error(node.id(), absl::StrCat("output alias ", Quoted(alias.alias()), " is used twice"));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return outputs;
}

}  // namespace flyte::engine::compiler
