#include "engine/compiler.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>
#include <absl/strings/string_view.h>
#include <google/protobuf/util/message_differencer.h>

#include "engine/type_check.h"

namespace flyte::engine {
namespace {

namespace core = flyteidl::core;
using google::protobuf::RepeatedPtrField;

// Identifiers match on everything but resource_type: flytekit and admin disagree on whether a
// reference carries it, and the name/version alone already identify the entity.
std::string IdKey(const core::Identifier& id) {
  return absl::StrCat(id.org(), "\x1f", id.project(), "\x1f", id.domain(), "\x1f", id.name(), "\x1f", id.version());
}

// FlyteAdmin lists a closure's tasks in this order (compiler/common/id_set.go).
bool IdLess(const core::Identifier& a, const core::Identifier& b) {
  return std::forward_as_tuple(a.resource_type(), a.project(), a.domain(), a.name(), a.version()) <
         std::forward_as_tuple(b.resource_type(), b.project(), b.domain(), b.name(), b.version());
}

std::string Quoted(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

// How messages name what a binding feeds: a node input, or (for end-node) a workflow output.
std::string InputLabel(absl::string_view node_id, absl::string_view var) {
  return absl::StrCat(node_id == kEndNodeId ? "workflow output " : "input ", Quoted(var));
}

// Every problem found, in discovery order and without repeats (a failed upstream node would
// otherwise be reported once per consumer).
class ErrorList {
 public:
  void Add(std::string message) {
    if (seen_.insert(message).second) messages_.push_back(std::move(message));
  }
  bool empty() const { return messages_.empty(); }
  Status ToStatus() const { return absl::InvalidArgumentError(absl::StrJoin(messages_, "\n")); }

 private:
  std::vector<std::string> messages_;
  std::set<std::string> seen_;
};

// Makes both variable maps present, as propeller's ValidateInterface does, so that clients
// always find `inputs` and `outputs` in the compiled template.
void NormalizeInterface(core::TypedInterface& iface) {
  iface.mutable_inputs();
  iface.mutable_outputs();
}

core::LiteralType ListOf(const core::LiteralType& element) {
  core::LiteralType list;
  *list.mutable_collection_type() = element;
  return list;
}

core::LiteralType NoneType() {
  core::LiteralType none;
  none.set_simple(core::NONE);
  return none;
}

// A promise's output name: `o0`, or `[3].o0` for an element of a list output.
struct OutputRef {
  std::string name;
  std::optional<int> index;
};

std::optional<OutputRef> ParseOutputRef(const std::string& var) {
  if (var.empty() || var.front() != '[') return OutputRef{var, std::nullopt};
  size_t close = var.find("].");
  if (close == std::string::npos || close == 1) return std::nullopt;
  std::string digits = var.substr(1, close - 1);
  if (!std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); }) ||
      digits.size() > 9) {
    return std::nullopt;
  }
  return OutputRef{var.substr(close + 2), std::stoi(digits)};
}

class ClosureBuilder;

// Compiles one workflow template: sentinels, interfaces, bindings, edges, cycle check. Problems
// go to the builder's error list; the result is only used when that list stays empty.
class WorkflowCompiler {
 public:
  // `context` prefixes every message (empty for the primary workflow).
  WorkflowCompiler(ClosureBuilder& builder, const core::WorkflowTemplate& source, std::string context);
  core::CompiledWorkflow Compile();

 private:
  enum class EdgeDirection { kBidirectional, kUpstreamOnly };
  enum class SlotState { kResolving, kDone };
  struct InterfaceSlot {
    SlotState state = SlotState::kResolving;
    std::optional<core::TypedInterface> iface;
  };

  void Error(absl::string_view node_id, absl::string_view problem);
  void WorkflowError(absl::string_view problem);
  bool ValidateVariables(absl::string_view node_id, const core::TypedInterface& iface);

  void AddNodes(RepeatedPtrField<core::Node> user_nodes);
  const core::TypedInterface* InterfaceOf(core::Node& node);
  std::optional<core::TypedInterface> ComputeInterface(core::Node& node);
  std::optional<core::TypedInterface> TaskInterface(const core::Node& node);
  std::optional<core::TypedInterface> WorkflowNodeInterface(const core::Node& node);
  std::optional<core::TypedInterface> LaunchPlanNodeInterface(const core::Node& node);
  std::optional<core::TypedInterface> BranchInterface(core::Node& node);
  std::optional<core::TypedInterface> GateInterface(core::Node& node);
  std::optional<core::TypedInterface> ArrayInterface(core::Node& node);
  std::optional<core::VariableMap> EffectiveOutputs(const core::Node& node, const core::TypedInterface& iface);

  void ValidateNode(core::Node& node);
  void ValidateBranch(core::Node& branch);
  void ValidateCondition(const core::Node& branch, const core::BooleanExpression& expr);
  std::optional<core::LiteralType> OperandType(const core::Node& branch, const core::Operand& operand);

  std::optional<core::VariableMap> ValidateBindings(core::Node& node, const core::VariableMap* expected,
                                                    EdgeDirection direction);
  std::optional<core::LiteralType> CheckBindingData(const std::string& node_id, const std::string& var,
                                                    core::BindingData& data, const core::LiteralType* expected,
                                                    std::vector<std::string>& upstream, ErrorList& errors);
  std::optional<core::LiteralType> CheckUnionBinding(const std::string& node_id, const std::string& var,
                                                     core::BindingData& data, const core::LiteralType& expected,
                                                     std::vector<std::string>& upstream, ErrorList& errors);
  std::optional<core::LiteralType> CheckPromise(const std::string& node_id, const std::string& var,
                                                core::OutputReference& promise, const core::LiteralType* expected,
                                                std::vector<std::string>& upstream, ErrorList& errors);
  std::string NodeMessage(absl::string_view node_id, absl::string_view problem) const;

  void AddEdge(const std::string& from, const std::string& to, EdgeDirection direction);
  void AddOrphanEdges();
  void CheckAcyclic();
  void WriteConnections();

  ClosureBuilder& builder_;
  std::string context_;
  core::CompiledWorkflow compiled_;
  std::map<std::string, core::Node*> top_level_;  // id -> node inside compiled_.template
  std::map<const core::Node*, InterfaceSlot> interfaces_;
  std::map<std::string, std::set<std::string>> upstream_;
  std::map<std::string, std::set<std::string>> downstream_;
};

// Shared state of one CompileWorkflow call: the sub-workflow index, resolver caches, the
// compiled sub-workflows and every error found.
class ClosureBuilder {
 public:
  ClosureBuilder(const RepeatedPtrField<core::WorkflowTemplate>& sub_workflows, EntityResolver& resolver)
      : resolver_(resolver) {
    for (const auto& sub : sub_workflows) IndexSubWorkflow(sub);
  }

  StatusOr<core::CompiledWorkflowClosure> Build(const core::WorkflowTemplate& primary) {
    core::CompiledWorkflowClosure closure;
    *closure.mutable_primary() = WorkflowCompiler(*this, primary, "").Compile();
    if (!fatal_.ok()) return fatal_;
    if (!errors_.empty()) return errors_.ToStatus();
    for (const auto* sub : sub_order_) {
      auto it = compiled_subs_.find(IdKey(sub->id()));
      if (it != compiled_subs_.end() && it->second) *closure.add_sub_workflows() = *it->second;
    }
    std::vector<const ResolvedTask*> tasks;
    for (const auto& [key, task] : tasks_) {
      if (task) tasks.push_back(&*task);
    }
    std::sort(tasks.begin(), tasks.end(),
              [](const ResolvedTask* a, const ResolvedTask* b) { return IdLess(a->reference, b->reference); });
    for (const auto* task : tasks) *closure.add_tasks()->mutable_template_() = task->tmpl;
    return closure;
  }

  ErrorList& errors() { return errors_; }

  // The referenced task, or nullptr after recording why not.
  const core::TaskTemplate* Task(const core::Identifier& id, absl::string_view node_error_prefix) {
    auto [it, inserted] = tasks_.try_emplace(IdKey(id));
    if (inserted) {
      StatusOr<core::TaskTemplate> task = resolver_.GetTask(id);
      if (task.ok()) {
        it->second = ResolvedTask{id, *std::move(task)};
      } else {
        RecordResolverFailure(task.status());
      }
    }
    if (!it->second) {
      errors_.Add(absl::StrCat(node_error_prefix, "task ", IdentifierToString(id), " is not registered"));
      return nullptr;
    }
    return &it->second->tmpl;
  }

  const LaunchPlanInterface* LaunchPlan(const core::Identifier& id, absl::string_view node_error_prefix) {
    auto [it, inserted] = launch_plans_.try_emplace(IdKey(id));
    if (inserted) {
      StatusOr<LaunchPlanInterface> plan = resolver_.GetLaunchPlan(id);
      if (plan.ok()) {
        it->second = *std::move(plan);
      } else {
        RecordResolverFailure(plan.status());
      }
    }
    if (!it->second) {
      errors_.Add(absl::StrCat(node_error_prefix, "launch plan ", IdentifierToString(id), " is not registered"));
      return nullptr;
    }
    return &*it->second;
  }

  const core::WorkflowTemplate* SubWorkflowTemplate(const core::Identifier& id) const {
    auto it = sub_templates_.find(IdKey(id));
    return it == sub_templates_.end() ? nullptr : it->second;
  }

  // Compiles a sub-workflow the first time a node refers to it; false when it cannot be.
  bool CompileSubWorkflow(const core::Identifier& id, absl::string_view node_error_prefix) {
    const std::string key = IdKey(id);
    if (auto done = compiled_subs_.find(key); done != compiled_subs_.end()) return done->second.has_value();
    const core::WorkflowTemplate* source = SubWorkflowTemplate(id);
    if (source == nullptr) return false;  // the node's interface lookup reported it
    if (!in_progress_.insert(key).second) {
      // Propeller would recurse forever here; a workflow cannot contain itself.
      errors_.Add(absl::StrCat(node_error_prefix, "sub-workflow ", IdentifierToString(id),
                               " contains itself (recursive sub-workflow reference)"));
      return false;
    }
    core::CompiledWorkflow compiled =
        WorkflowCompiler(*this, *source, absl::StrCat("sub-workflow ", IdentifierToString(id), ": ")).Compile();
    in_progress_.erase(key);
    compiled_subs_[key] = std::move(compiled);
    return true;
  }

 private:
  struct ResolvedTask {
    core::Identifier reference;
    core::TaskTemplate tmpl;
  };

  void IndexSubWorkflow(const core::WorkflowTemplate& sub) {
    auto [it, inserted] = sub_templates_.try_emplace(IdKey(sub.id()), &sub);
    if (inserted) {
      sub_order_.push_back(&sub);
    } else if (!google::protobuf::util::MessageDifferencer::Equals(*it->second, sub)) {
      errors_.Add(
          absl::StrCat("sub-workflow ", IdentifierToString(sub.id()), " is given twice with different contents"));
    }
  }

  // NOT_FOUND becomes the caller's INVALID_ARGUMENT message; anything else (a broken registry)
  // is not the workflow's fault and aborts the compilation with the resolver's own status.
  void RecordResolverFailure(const Status& status) {
    if (status.code() != absl::StatusCode::kNotFound && fatal_.ok()) fatal_ = status;
  }

  EntityResolver& resolver_;
  std::vector<const core::WorkflowTemplate*> sub_order_;
  std::map<std::string, const core::WorkflowTemplate*> sub_templates_;
  std::map<std::string, std::optional<ResolvedTask>> tasks_;
  std::map<std::string, std::optional<LaunchPlanInterface>> launch_plans_;
  std::map<std::string, std::optional<core::CompiledWorkflow>> compiled_subs_;
  std::set<std::string> in_progress_;
  ErrorList errors_;
  Status fatal_;
};

// ---------------------------------------------------------------------------------------------
// WorkflowCompiler: driver

WorkflowCompiler::WorkflowCompiler(ClosureBuilder& builder, const core::WorkflowTemplate& source, std::string context)
    : builder_(builder), context_(std::move(context)) {
  *compiled_.mutable_template_() = source;
}

core::CompiledWorkflow WorkflowCompiler::Compile() {
  core::WorkflowTemplate& tmpl = *compiled_.mutable_template_();
  if (tmpl.nodes().empty()) {
    // Propeller refuses these ("Can't find any nodes in workflow").
    WorkflowError("has no nodes");
    return compiled_;
  }
  NormalizeInterface(*tmpl.mutable_interface());
  RepeatedPtrField<core::Node> user_nodes;
  user_nodes.Swap(tmpl.mutable_nodes());
  AddNodes(std::move(user_nodes));

  // Interfaces and node-specific checks first, so that bindings may refer to any node.
  for (auto& node : *tmpl.mutable_nodes()) {
    if (node.id() == kStartNodeId || node.id() == kEndNodeId) continue;
    InterfaceOf(node);
    ValidateNode(node);
  }
  // Explicit and implicit (binding) edges, in id order as propeller does for a stable digest.
  for (auto& [id, node] : top_level_) {
    if (id == kStartNodeId) continue;
    const core::TypedInterface* iface = InterfaceOf(*node);
    if (iface == nullptr) continue;
    for (const auto& up : node->upstream_node_ids()) {
      if (top_level_.count(up) == 0) {
        Error(id, absl::StrCat("depends on node ", Quoted(up), ", which does not exist in the workflow"));
      } else {
        AddEdge(up, id, EdgeDirection::kBidirectional);
      }
    }
    ValidateBindings(*node, &iface->inputs(), EdgeDirection::kBidirectional);
  }
  if (tmpl.has_failure_node()) {
    core::Node& failure = *tmpl.mutable_failure_node();
    if (const core::TypedInterface* iface = InterfaceOf(failure)) {
      ValidateNode(failure);
      ValidateBindings(failure, &iface->inputs(), EdgeDirection::kUpstreamOnly);
    }
  }
  AddOrphanEdges();
  CheckAcyclic();
  // The end-node shares its bindings with template.outputs (promise ids may have been filled).
  *tmpl.mutable_outputs() = top_level_[kEndNodeId]->inputs();
  WriteConnections();
  return compiled_;
}

void WorkflowCompiler::Error(absl::string_view node_id, absl::string_view problem) {
  builder_.errors().Add(NodeMessage(node_id, problem));
}

std::string WorkflowCompiler::NodeMessage(absl::string_view node_id, absl::string_view problem) const {
  return absl::StrCat(context_, "node ", Quoted(node_id), ": ", problem);
}

void WorkflowCompiler::WorkflowError(absl::string_view problem) {
  builder_.errors().Add(
      absl::StrCat(context_, "workflow ", IdentifierToString(compiled_.template_().id()), ": ", problem));
}

bool WorkflowCompiler::ValidateVariables(absl::string_view node_id, const core::TypedInterface& iface) {
  bool ok = true;
  for (const auto* vars : {&iface.inputs(), &iface.outputs()}) {
    for (const auto& [name, var] : vars->variables()) {
      if (name.empty()) {
        Error(node_id, "declares a variable with an empty name");
        ok = false;
      } else if (!var.has_type()) {
        Error(node_id, absl::StrCat("variable ", Quoted(name), " has no type"));
        ok = false;
      }
    }
  }
  return ok;
}

// Propeller's order: start-node, end-node, then the template's nodes.
void WorkflowCompiler::AddNodes(RepeatedPtrField<core::Node> user_nodes) {
  core::WorkflowTemplate& tmpl = *compiled_.mutable_template_();
  core::Node& start = *tmpl.add_nodes();
  start.set_id(kStartNodeId);
  core::Node& end = *tmpl.add_nodes();
  end.set_id(kEndNodeId);
  *end.mutable_inputs() = tmpl.outputs();

  core::TypedInterface start_iface;
  *start_iface.mutable_outputs() = tmpl.interface().inputs();
  start_iface.mutable_inputs();
  core::TypedInterface end_iface;
  *end_iface.mutable_inputs() = tmpl.interface().outputs();
  end_iface.mutable_outputs();
  const bool start_ok = ValidateVariables(kStartNodeId, start_iface);
  const bool end_ok = ValidateVariables(kEndNodeId, end_iface);
  interfaces_[&start] = {SlotState::kDone, start_ok ? std::optional(start_iface) : std::nullopt};
  interfaces_[&end] = {SlotState::kDone, end_ok ? std::optional(end_iface) : std::nullopt};

  std::set<std::string> ids = {kStartNodeId, kEndNodeId};
  for (auto& node : user_nodes) {
    if (node.id().empty()) {
      WorkflowError("has a node without an id");
    } else if (node.id() == kStartNodeId || node.id() == kEndNodeId) {
      Error(node.id(), "this id is reserved for the compiler's sentinel node");
    } else if (!ids.insert(node.id()).second) {
      Error(node.id(), "duplicate node id");
    } else {
      *tmpl.add_nodes() = std::move(node);
    }
  }
  // Pointers into a RepeatedPtrField stay valid while no element is removed.
  for (auto& node : *tmpl.mutable_nodes()) top_level_[node.id()] = &node;
}

// ---------------------------------------------------------------------------------------------
// Interfaces

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

// ---------------------------------------------------------------------------------------------
// Node-specific validation

void WorkflowCompiler::ValidateNode(core::Node& node) {
  // Propeller sorts them so that the compiled output does not depend on client ordering.
  std::sort(node.mutable_upstream_node_ids()->begin(), node.mutable_upstream_node_ids()->end());
  switch (node.target_case()) {
    case core::Node::kBranchNode:
      ValidateBranch(node);
      break;
    case core::Node::kWorkflowNode:
      if (node.workflow_node().has_sub_workflow_ref()) {
        builder_.CompileSubWorkflow(node.workflow_node().sub_workflow_ref(), NodeMessage(node.id(), ""));
      }
      break;
    case core::Node::kArrayNode:
      // Propeller skips this; doing it compiles (and ships) a sub-workflow an array node maps over.
      if (node.array_node().has_node()) ValidateNode(*node.mutable_array_node()->mutable_node());
      break;
    default:
      break;
  }
}

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
  for (core::Node* child : children) {
    const core::TypedInterface* child_iface = InterfaceOf(*child);
    if (child_iface == nullptr) continue;
    ValidateNode(*child);
    ValidateBindings(*child, &child_iface->inputs(), EdgeDirection::kUpstreamOnly);
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

// ---------------------------------------------------------------------------------------------
// Bindings

// Checks `node`'s bindings against `expected` (or, when null, only resolves their types, for
// nodes whose inputs are whatever they bind) and records the edges they imply.
std::optional<core::VariableMap> WorkflowCompiler::ValidateBindings(core::Node& node, const core::VariableMap* expected,
                                                                    EdgeDirection direction) {
  const bool is_end = node.id() == kEndNodeId;
  core::VariableMap resolved;
  std::set<std::string> bound;
  bool ok = true;
  for (auto& binding : *node.mutable_inputs()) {
    const core::Variable* param = nullptr;
    if (expected != nullptr) {
      auto it = expected->variables().find(binding.var());
      if (it == expected->variables().end()) {
        Error(node.id(), is_end ? absl::StrCat("binds output ", Quoted(binding.var()),
                                               ", which the workflow interface does not declare")
                                : absl::StrCat("binds ", Quoted(binding.var()), ", which is not an input of the node"));
        ok = false;
        continue;
      }
      param = &it->second;
    }
    if (!binding.has_binding()) {
      Error(node.id(), absl::StrCat("the binding of ", Quoted(binding.var()), " has no value"));
      ok = false;
      continue;
    }
    if (!bound.insert(binding.var()).second) {
      Error(node.id(), absl::StrCat(InputLabel(node.id(), binding.var()), " is bound more than once"));
      ok = false;
      continue;
    }
    std::vector<std::string> upstream;
    std::optional<core::LiteralType> type =
        CheckBindingData(node.id(), binding.var(), *binding.mutable_binding(),
                         param != nullptr ? &param->type() : nullptr, upstream, builder_.errors());
    if (!type) {
      ok = false;
      continue;
    }
    for (const auto& up : upstream) AddEdge(up, node.id(), direction);
    *(*resolved.mutable_variables())[binding.var()].mutable_type() = *std::move(type);
  }
  if (expected != nullptr) {
    for (const auto& [name, var] : expected->variables()) {
      if (bound.count(name) > 0 || IsOptionalType(var.type())) continue;
      Error(node.id(), is_end ? absl::StrCat("workflow output ", Quoted(name), " is not bound")
                              : absl::StrCat("required input ", Quoted(name), " is not bound"));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return resolved;
}

// The type `data` produces, checked against `expected` when given; upstream node ids are
// appended to `upstream`. nullopt after recording the problem in `errors`.
std::optional<core::LiteralType> WorkflowCompiler::CheckBindingData(const std::string& node_id, const std::string& var,
                                                                    core::BindingData& data,
                                                                    const core::LiteralType* expected,
                                                                    std::vector<std::string>& upstream,
                                                                    ErrorList& errors) {
  auto mismatch = [&](absl::string_view what) {
    errors.Add(NodeMessage(
        node_id, absl::StrCat(InputLabel(node_id, var), " (", TypeToString(*expected), ") cannot take ", what)));
    return std::nullopt;
  };
  const bool composite =
      data.value_case() == core::BindingData::kCollection || data.value_case() == core::BindingData::kMap;
  if (expected != nullptr && expected->has_union_type() && composite) {
    return CheckUnionBinding(node_id, var, data, *expected, upstream, errors);
  }
  switch (data.value_case()) {
    case core::BindingData::kScalar: {
      std::optional<core::LiteralType> type = LiteralTypeOfScalar(data.scalar());
      if (!type) {
        errors.Add(NodeMessage(node_id, absl::StrCat(InputLabel(node_id, var), " is bound to an empty scalar")));
        return std::nullopt;
      }
      if (expected == nullptr) return type;
      if (!AreTypesCastable(*type, *expected)) return mismatch(absl::StrCat("a ", TypeToString(*type), " literal"));
      if (expected->has_enum_type() && data.scalar().primitive().has_string_value()) {
        const auto& values = expected->enum_type().values();
        const std::string& value = data.scalar().primitive().string_value();
        if (std::find(values.begin(), values.end(), value) == values.end()) {
          return mismatch(absl::StrCat("the value ", Quoted(value), ", which is not one of the enum's values"));
        }
      }
      return type;
    }
    case core::BindingData::kCollection:
    case core::BindingData::kMap: {
      const bool is_list = data.value_case() == core::BindingData::kCollection;
      if (expected != nullptr && !(is_list ? expected->has_collection_type() : expected->has_map_value_type())) {
        return mismatch(is_list ? "a list" : "a map");
      }
      const core::LiteralType* element = expected == nullptr ? nullptr
                                         : is_list           ? &expected->collection_type()
                                                             : &expected->map_value_type();
      std::optional<core::LiteralType> element_type;
      bool ok = true;
      // Elements are named `xs[1]` / `m["k"]` in messages.
      auto check = [&](const std::string& item_var, core::BindingData& item) {
        std::optional<core::LiteralType> t = CheckBindingData(node_id, item_var, item, element, upstream, errors);
        if (t) element_type = std::move(t);
        ok = ok && t.has_value();
      };
      if (is_list) {
        auto& items = *data.mutable_collection()->mutable_bindings();
        for (int i = 0; i < items.size(); ++i) check(absl::StrCat(var, "[", i, "]"), items[i]);
      } else {
        for (auto& [key, item] : *data.mutable_map()->mutable_bindings()) {
          check(absl::StrCat(var, "[", Quoted(key), "]"), item);
        }
      }
      if (!ok) return std::nullopt;
      // An empty literal has element type NONE, which fits any list or map.
      core::LiteralType result;
      *(is_list ? result.mutable_collection_type() : result.mutable_map_value_type()) =
          element_type ? *element_type : NoneType();
      return result;
    }
    case core::BindingData::kPromise:
      return CheckPromise(node_id, var, *data.mutable_promise(), expected, upstream, errors);
    case core::BindingData::kOffloadedMetadata: {
      // Large literals flytekit offloads carry their inferred type; trust it when present.
      if (!data.offloaded_metadata().has_inferred_type()) return expected ? *expected : NoneType();
      const core::LiteralType& type = data.offloaded_metadata().inferred_type();
      if (expected != nullptr && !AreTypesCastable(type, *expected)) {
        return mismatch(absl::StrCat("an offloaded ", TypeToString(type), " literal"));
      }
      return type;
    }
    default:
      errors.Add(NodeMessage(node_id, absl::StrCat("the binding of ", Quoted(var), " has no value")));
      return std::nullopt;
  }
}

// A list or map bound to a union input must fit exactly one variant (propeller rejects
// ambiguous bindings, since the value would not know which variant it is).
std::optional<core::LiteralType> WorkflowCompiler::CheckUnionBinding(const std::string& node_id, const std::string& var,
                                                                     core::BindingData& data,
                                                                     const core::LiteralType& expected,
                                                                     std::vector<std::string>& upstream,
                                                                     ErrorList& errors) {
  std::optional<core::LiteralType> match;
  std::vector<std::string> match_upstream;
  int matches = 0;
  for (const auto& variant : expected.union_type().variants()) {
    ErrorList scratch;
    std::vector<std::string> variant_upstream;
    std::optional<core::LiteralType> t = CheckBindingData(node_id, var, data, &variant, variant_upstream, scratch);
    if (t && scratch.empty()) {
      ++matches;
      match = std::move(t);
      match_upstream = std::move(variant_upstream);
    }
  }
  if (matches == 1) {
    upstream.insert(upstream.end(), match_upstream.begin(), match_upstream.end());
    return match;
  }
  errors.Add(NodeMessage(node_id, absl::StrCat(InputLabel(node_id, var), " (", TypeToString(expected), ") ",
                                               matches == 0 ? "cannot take the bound value"
                                                            : "is ambiguous: the bound value fits several variants")));
  return std::nullopt;
}

std::optional<core::LiteralType> WorkflowCompiler::CheckPromise(const std::string& node_id, const std::string& var,
                                                                core::OutputReference& promise,
                                                                const core::LiteralType* expected,
                                                                std::vector<std::string>& upstream, ErrorList& errors) {
  // An empty node id means the workflow's inputs; propeller writes the sentinel's id back.
  if (promise.node_id().empty()) promise.set_node_id(kStartNodeId);
  const std::string& up_id = promise.node_id();
  auto node_it = top_level_.find(up_id);
  if (node_it == top_level_.end()) {
    errors.Add(NodeMessage(node_id, absl::StrCat(InputLabel(node_id, var), " is bound to node ", Quoted(up_id),
                                                 ", which does not exist in the workflow")));
    return std::nullopt;
  }
  const core::TypedInterface* up_iface = InterfaceOf(*node_it->second);
  if (up_iface == nullptr) return std::nullopt;  // reported where the upstream node failed
  std::optional<core::VariableMap> outputs = EffectiveOutputs(*node_it->second, *up_iface);
  if (!outputs) return std::nullopt;
  std::optional<OutputRef> ref = ParseOutputRef(promise.var());
  if (!ref) {
    errors.Add(NodeMessage(
        node_id, absl::StrCat(InputLabel(node_id, var), " refers to malformed output name ", Quoted(promise.var()))));
    return std::nullopt;
  }
  const std::string source = absl::StrCat(up_id, ".", promise.var());
  auto out_it = outputs->variables().find(ref->name);
  if (out_it == outputs->variables().end()) {
    errors.Add(NodeMessage(node_id, up_id == kStartNodeId
                                        ? absl::StrCat(InputLabel(node_id, var), " is bound to workflow input ",
                                                       Quoted(ref->name), ", which the workflow does not declare")
                                        : absl::StrCat(InputLabel(node_id, var), " is bound to ", source, ", but node ",
                                                       Quoted(up_id), " has no output ", Quoted(ref->name))));
    return std::nullopt;
  }
  core::LiteralType type = out_it->second.type();
  if (ref->index) {
    if (!type.has_collection_type()) {
      errors.Add(NodeMessage(node_id, absl::StrCat(InputLabel(node_id, var), " indexes ", source, ", which is a ",
                                                   TypeToString(type), ", not a list")));
      return std::nullopt;
    }
    type = core::LiteralType(type.collection_type());
  }
  // attr_path (flytekit's `x.field` / `x["key"]` / `x[0]` on promises) narrows the type when it
  // is known; a STRUCT without a declared structure is opaque and is checked at run time.
  bool known = true;
  for (const auto& attr : promise.attr_path()) {
    if (type.has_collection_type()) {
      type = core::LiteralType(type.collection_type());
    } else if (type.has_map_value_type()) {
      type = core::LiteralType(type.map_value_type());
    } else if (type.has_simple() && type.simple() == core::STRUCT && !type.structure().dataclass_type().empty()) {
      auto field = type.structure().dataclass_type().find(attr.string_value());
      if (field == type.structure().dataclass_type().end()) {
        errors.Add(NodeMessage(
            node_id, absl::StrCat(InputLabel(node_id, var), " reads attribute ", Quoted(attr.string_value()), " of ",
                                  source, ", which has no such field")));
        return std::nullopt;
      }
      type = core::LiteralType(field->second);
    } else {
      known = false;
      break;
    }
  }
  if (expected != nullptr && known && !AreTypesCastable(type, *expected)) {
    errors.Add(NodeMessage(node_id, absl::StrCat(InputLabel(node_id, var), " (", TypeToString(*expected),
                                                 ") cannot take ", source, " (", TypeToString(type), ")")));
    return std::nullopt;
  }
  upstream.push_back(up_id);
  if (!known && expected != nullptr) return *expected;
  return type;
}

// ---------------------------------------------------------------------------------------------
// Edges

void WorkflowCompiler::AddEdge(const std::string& from, const std::string& to, EdgeDirection direction) {
  if (direction == EdgeDirection::kBidirectional) downstream_[from].insert(to);
  upstream_[to].insert(from);
}

// Nodes that depend on nothing hang off start-node so that execution starts with them; nodes
// nothing depends on feed end-node so that the workflow waits for them (propeller's rule; only
// for top-level nodes, branch sub-nodes are the branch node's business).
void WorkflowCompiler::AddOrphanEdges() {
  for (const auto& [id, node] : top_level_) {
    if (id == kStartNodeId || id == kEndNodeId) continue;
    if (upstream_.count(id) == 0) AddEdge(kStartNodeId, id, EdgeDirection::kBidirectional);
    if (downstream_.count(id) == 0) AddEdge(id, kEndNodeId, EdgeDirection::kBidirectional);
  }
}

void WorkflowCompiler::CheckAcyclic() {
  enum class Mark { kVisiting, kDone };
  std::map<std::string, Mark> marks;
  std::vector<std::string> path;
  std::optional<std::vector<std::string>> cycle;
  // Depth-first search keeping the current path, so a back edge yields the cycle itself.
  auto visit = [&](auto& self, const std::string& id) -> void {
    marks[id] = Mark::kVisiting;
    path.push_back(id);
    if (auto it = downstream_.find(id); it != downstream_.end()) {
      for (const auto& next : it->second) {
        if (cycle) break;
        auto mark = marks.find(next);
        if (mark == marks.end()) {
          self(self, next);
        } else if (mark->second == Mark::kVisiting) {
          auto begin = std::find(path.begin(), path.end(), next);
          cycle = std::vector<std::string>(begin, path.end());
          cycle->push_back(next);
        }
      }
    }
    path.pop_back();
    marks[id] = Mark::kDone;
  };
  visit(visit, kStartNodeId);
  const std::set<std::string> reached = [&] {
    std::set<std::string> ids;
    for (const auto& [id, mark] : marks) ids.insert(id);
    return ids;
  }();
  for (const auto& [id, node] : top_level_) {
    if (cycle) break;
    if (marks.count(id) == 0) visit(visit, id);
  }
  if (cycle) {
    Error(cycle->front(), absl::StrCat("cycle detected: ", absl::StrJoin(*cycle, " -> ")));
    return;
  }
  for (const auto& [id, node] : top_level_) {
    if (id != kEndNodeId && reached.count(id) == 0) Error(id, "is not reachable from start-node");
  }
}

void WorkflowCompiler::WriteConnections() {
  core::ConnectionSet& connections = *compiled_.mutable_connections();
  for (const auto& [id, ids] : upstream_) {
    auto& list = (*connections.mutable_upstream())[id];
    for (const auto& up : ids) list.add_ids(up);
  }
  for (const auto& [id, ids] : downstream_) {
    auto& list = (*connections.mutable_downstream())[id];
    for (const auto& down : ids) list.add_ids(down);
  }
}

}  // namespace

std::string IdentifierToString(const core::Identifier& id) {
  return absl::StrCat(id.project(), "/", id.domain(), "/", id.name(), "@", id.version());
}

bool SameEntity(const core::Identifier& a, const core::Identifier& b) {
  return a.project() == b.project() && a.domain() == b.domain() && a.name() == b.name() && a.version() == b.version();
}

StatusOr<core::CompiledWorkflowClosure> CompileWorkflow(const core::WorkflowTemplate& primary,
                                                        const RepeatedPtrField<core::WorkflowTemplate>& sub_workflows,
                                                        EntityResolver& resolver) {
  return ClosureBuilder(sub_workflows, resolver).Build(primary);
}

}  // namespace flyte::engine
