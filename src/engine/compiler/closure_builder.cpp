// The closure of one CompileWorkflow call: entities resolved once each, sub-workflows compiled
// once each in the order given, tasks sorted as FlyteAdmin lists them; and the public entry point.
#include "engine/compiler/closure_builder.h"

#include <algorithm>
#include <tuple>

#include <absl/strings/str_cat.h>
#include <google/protobuf/util/message_differencer.h>

namespace flyte::engine {
namespace compiler {
namespace {

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

}  // namespace

ClosureBuilder::ClosureBuilder(const google::protobuf::RepeatedPtrField<core::WorkflowTemplate>& sub_workflows,
                               EntityResolver& resolver)
    : resolver_(resolver) {
  for (const auto& sub : sub_workflows) IndexSubWorkflow(sub);
}

StatusOr<core::CompiledWorkflowClosure> ClosureBuilder::Build(const core::WorkflowTemplate& primary) {
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

const core::TaskTemplate* ClosureBuilder::Task(const core::Identifier& id, absl::string_view node_error_prefix) {
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

const LaunchPlanInterface* ClosureBuilder::LaunchPlan(const core::Identifier& id, absl::string_view node_error_prefix) {
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

const core::WorkflowTemplate* ClosureBuilder::SubWorkflowTemplate(const core::Identifier& id) const {
  auto it = sub_templates_.find(IdKey(id));
  return it == sub_templates_.end() ? nullptr : it->second;
}

bool ClosureBuilder::CompileSubWorkflow(const core::Identifier& id, absl::string_view node_error_prefix) {
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

void ClosureBuilder::IndexSubWorkflow(const core::WorkflowTemplate& sub) {
  auto [it, inserted] = sub_templates_.try_emplace(IdKey(sub.id()), &sub);
  if (inserted) {
    sub_order_.push_back(&sub);
  } else if (!google::protobuf::util::MessageDifferencer::Equals(*it->second, sub)) {
    errors_.Add(absl::StrCat("sub-workflow ", IdentifierToString(sub.id()), " is given twice with different contents"));
  }
}

void ClosureBuilder::RecordResolverFailure(const Status& status) {
  if (status.code() != absl::StatusCode::kNotFound && fatal_.ok()) fatal_ = status;
}

}  // namespace compiler

std::string IdentifierToString(const flyteidl::core::Identifier& id) {
  return absl::StrCat(id.project(), "/", id.domain(), "/", id.name(), "@", id.version());
}

bool SameEntity(const flyteidl::core::Identifier& a, const flyteidl::core::Identifier& b) {
  return a.project() == b.project() && a.domain() == b.domain() && a.name() == b.name() && a.version() == b.version();
}

StatusOr<flyteidl::core::CompiledWorkflowClosure> CompileWorkflow(
    const flyteidl::core::WorkflowTemplate& primary,
    const google::protobuf::RepeatedPtrField<flyteidl::core::WorkflowTemplate>& sub_workflows,
    EntityResolver& resolver) {
  return compiler::ClosureBuilder(sub_workflows, resolver).Build(primary);
}

}  // namespace flyte::engine
