// The workflow's graph: edges (explicit and from bindings), orphans hung off start-node and
// end-node, the cycle and reachability checks, and the connections written to the template.
#include <algorithm>

#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>

#include "engine/compiler/workflow_compiler.h"

namespace flyte::engine::compiler {

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

}  // namespace flyte::engine::compiler
