// The WorkflowCompiler's driver: sentinel nodes, the order of the passes, and how problems are
// reported (each naming its node, prefixed for sub-workflows).
#include "engine/compiler/workflow_compiler.h"

#include <absl/strings/str_cat.h>

#include "engine/compiler/closure_builder.h"

namespace flyte::engine::compiler {

std::string Quoted(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

std::string InputLabel(absl::string_view node_id, absl::string_view var) {
  return absl::StrCat(node_id == kEndNodeId ? "workflow output " : "input ", Quoted(var));
}

void NormalizeInterface(core::TypedInterface& iface) {
  iface.mutable_inputs();
  iface.mutable_outputs();
}

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
  google::protobuf::RepeatedPtrField<core::Node> user_nodes;
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
void WorkflowCompiler::AddNodes(google::protobuf::RepeatedPtrField<core::Node> user_nodes) {
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

}  // namespace flyte::engine::compiler
