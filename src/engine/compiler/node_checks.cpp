// Node-specific checks after the interfaces: branches (branch_checks.cpp), sub-workflows compiled
// the first time a node refers to them, and the node an array maps over.
#include <algorithm>

#include "engine/compiler/closure_builder.h"
#include "engine/compiler/workflow_compiler.h"

namespace flyte::engine::compiler {

void WorkflowCompiler::ValidateNode(core::Node& node) {
  // A node id is a folder of the execution's data and logs (data_layout.h): one that is not a
  // single path component would write into another node's or execution's folder.
  const std::string& id = node.id();
  if (id.find('/') != std::string::npos || id.find('\0') != std::string::npos || id.find("..") != std::string::npos ||
      id == ".") {
    Error(id, "a node id must not contain '/' or '..' (it names a folder of the execution's data)");
  }
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

}  // namespace flyte::engine::compiler
