// Compiling one workflow template, internal to the compiler: the WorkflowCompiler whose parts
// (one file each in this folder) check interfaces, nodes, branches, bindings and the graph.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <absl/strings/str_join.h>
#include <absl/strings/string_view.h>
#include <google/protobuf/repeated_ptr_field.h>

#include "common/status.h"
#include "engine/compiler.h"

namespace flyte::engine::compiler {

namespace core = flyteidl::core;

class ClosureBuilder;

// `"s"`, how messages quote names.
std::string Quoted(absl::string_view s);
// How messages name what a binding feeds: a node input, or (for end-node) a workflow output.
std::string InputLabel(absl::string_view node_id, absl::string_view var);
// Makes both variable maps present, as propeller's ValidateInterface does, so that clients
// always find `inputs` and `outputs` in the compiled template.
void NormalizeInterface(core::TypedInterface& iface);

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

  void AddNodes(google::protobuf::RepeatedPtrField<core::Node> user_nodes);
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

}  // namespace flyte::engine::compiler
