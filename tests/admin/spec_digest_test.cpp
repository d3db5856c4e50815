// "Same content" for registrations: the order of a node's upstream ids does not count, anything
// else does.
#include "admin/spec_digest.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace flyte::admin {
namespace {

flyteidl::core::Node NodeAfter(const std::string& id, const std::vector<std::string>& upstreams) {
  flyteidl::core::Node node;
  node.set_id(id);
  for (const auto& upstream : upstreams) node.add_upstream_node_ids(upstream);
  return node;
}

// A join node, a branch node and its then-node, and a sub-workflow's join node, each after the
// same three nodes, listed in orders derived from `order`.
flyteidl::admin::WorkflowSpec Spec(const std::vector<std::string>& order) {
  flyteidl::admin::WorkflowSpec spec;
  auto* workflow = spec.mutable_template_();
  *workflow->add_nodes() = NodeAfter("join", order);
  auto* branch = workflow->add_nodes();
  *branch = NodeAfter("branch", {order[1], order[0], order[2]});
  *branch->mutable_branch_node()->mutable_if_else()->mutable_case_()->mutable_then_node() =
      NodeAfter("then", {order[2], order[1], order[0]});
  *spec.add_sub_workflows()->add_nodes() = NodeAfter("sub-join", {order[0], order[2], order[1]});
  return spec;
}

TEST_CASE("spec digest: a workflow's upstream ids in another order are the same content") {
  const std::string digest = SpecDigest(Spec({"a", "b", "c"}));
  CHECK(SpecDigest(Spec({"c", "a", "b"})) == digest);
  CHECK(SpecDigest(Spec({"b", "c", "a"})) == digest);
  CHECK(SpecDigest(Spec({"a", "b", "d"})) != digest);
  flyteidl::admin::WorkflowSpec renamed = Spec({"a", "b", "c"});
  renamed.mutable_template_()->mutable_nodes(0)->set_id("join2");
  CHECK(SpecDigest(renamed) != digest);
}

TEST_CASE("spec digest: tasks and launch plans differ by any field") {
  flyteidl::admin::TaskSpec task;
  task.mutable_template_()->set_type("python-task");
  const std::string digest = SpecDigest(task);
  task.mutable_template_()->mutable_container()->set_image("other");
  CHECK(SpecDigest(task) != digest);
  flyteidl::admin::LaunchPlanSpec plan;
  const std::string plan_digest = SpecDigest(plan);
  plan.set_max_parallelism(3);
  CHECK(SpecDigest(plan) != plan_digest);
}

}  // namespace
}  // namespace flyte::admin
