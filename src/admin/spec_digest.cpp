#include "admin/spec_digest.h"

#include <algorithm>

#include "common/digest.h"

namespace flyte::admin {
namespace {

void SortUpstreams(flyteidl::core::Node& node) {
  std::sort(node.mutable_upstream_node_ids()->begin(), node.mutable_upstream_node_ids()->end());
  if (node.has_branch_node()) {
    auto* if_else = node.mutable_branch_node()->mutable_if_else();
    if (if_else->has_case_()) SortUpstreams(*if_else->mutable_case_()->mutable_then_node());
    for (auto& other : *if_else->mutable_other()) SortUpstreams(*other.mutable_then_node());
    if (if_else->has_else_node()) SortUpstreams(*if_else->mutable_else_node());
  }
  if (node.has_array_node()) SortUpstreams(*node.mutable_array_node()->mutable_node());
}

void SortUpstreams(flyteidl::core::WorkflowTemplate& workflow) {
  for (auto& node : *workflow.mutable_nodes()) SortUpstreams(node);
  if (workflow.has_failure_node()) SortUpstreams(*workflow.mutable_failure_node());
}

}  // namespace

std::string SpecDigest(const flyteidl::admin::TaskSpec& spec) { return Sha256(DeterministicBytes(spec)); }

std::string SpecDigest(const flyteidl::admin::LaunchPlanSpec& spec) { return Sha256(DeterministicBytes(spec)); }

std::string SpecDigest(const flyteidl2::task::TaskSpec& spec) { return Sha256(DeterministicBytes(spec)); }

std::string SpecDigest(const flyteidl::admin::WorkflowSpec& spec) {
  flyteidl::admin::WorkflowSpec canonical = spec;
  SortUpstreams(*canonical.mutable_template_());
  for (auto& sub_workflow : *canonical.mutable_sub_workflows()) SortUpstreams(sub_workflow);
  return Sha256(DeterministicBytes(canonical));
}

}  // namespace flyte::admin
