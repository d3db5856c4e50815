#include "engine/node_kinds.h"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "engine/node_handler.h"
#include "fakes/text_proto.h"

namespace flyte::engine {
namespace {

using testing::ParseText;

TEST_CASE("node kinds: a node's kind comes from its spec") {
  struct Case {
    std::string spec;
    NodeKind kind;
  };
  const Case cases[] = {
      {R"(id: "n" task_node { reference_id { name: "t" } })", NodeKind::kTask},
      {R"(id: "n" branch_node { if_else { case { then_node { id: "a" } } } })", NodeKind::kBranch},
      {R"(id: "n" workflow_node { sub_workflow_ref { name: "w" } })", NodeKind::kSubWorkflow},
      {R"(id: "n" workflow_node { launchplan_ref { name: "lp" } })", NodeKind::kLaunchPlan},
      {R"(id: "n" gate_node { sleep { duration { seconds: 1 } } })", NodeKind::kGate},
      {R"(id: "n" array_node { node { id: "m" task_node { reference_id { name: "t" } } } })", NodeKind::kArray},
      {R"(id: "n" workflow_node {})", NodeKind::kUnsupported},
      {R"(id: "n")", NodeKind::kUnsupported},
  };
  for (const Case& c : cases) {
    CAPTURE(c.spec);
    CHECK(KindOf(ParseText<flyteidl::core::Node>(c.spec)) == c.kind);
  }
}

TEST_CASE("node kinds: every kind has a handler; tasks, arrays and launch plans take parallelism slots") {
  struct Case {
    NodeKind kind;
    bool counts_for_parallelism;
  };
  const Case cases[] = {
      {NodeKind::kTask, true},         {NodeKind::kDynamic, false},     {NodeKind::kBranch, false},
      {NodeKind::kSubWorkflow, false}, {NodeKind::kLaunchPlan, true},   {NodeKind::kGate, false},
      {NodeKind::kArray, true},        {NodeKind::kUnsupported, false},
  };
  std::set<const NodeHandler*> handlers;
  for (const Case& c : cases) {
    CAPTURE(static_cast<int>(c.kind));
    CHECK(HandlerOf(c.kind).CountsForParallelism() == c.counts_for_parallelism);
    handlers.insert(&HandlerOf(c.kind));
  }
  CHECK(handlers.size() == std::size(cases));  // one handler per kind
}

}  // namespace
}  // namespace flyte::engine
