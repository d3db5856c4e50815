// One CompileWorkflow call, internal to the compiler: the sub-workflow index, the resolver's
// answers (asked once per identifier), the compiled sub-workflows and every problem found.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <absl/strings/string_view.h>
#include <google/protobuf/repeated_ptr_field.h>

#include "common/status.h"
#include "engine/compiler.h"
#include "engine/compiler/workflow_compiler.h"

namespace flyte::engine::compiler {

class ClosureBuilder {
 public:
  ClosureBuilder(const google::protobuf::RepeatedPtrField<core::WorkflowTemplate>& sub_workflows,
                 EntityResolver& resolver);

  StatusOr<core::CompiledWorkflowClosure> Build(const core::WorkflowTemplate& primary);

  ErrorList& errors() { return errors_; }

  // The referenced task, or nullptr after recording why not.
  const core::TaskTemplate* Task(const core::Identifier& id, absl::string_view node_error_prefix);
  // The referenced launch plan's interface, or nullptr after recording why not.
  const LaunchPlanInterface* LaunchPlan(const core::Identifier& id, absl::string_view node_error_prefix);
  // The sub-workflow given with the call under `id`; nullptr if none.
  const core::WorkflowTemplate* SubWorkflowTemplate(const core::Identifier& id) const;
  // Compiles a sub-workflow the first time a node refers to it; false when it cannot be.
  bool CompileSubWorkflow(const core::Identifier& id, absl::string_view node_error_prefix);

 private:
  struct ResolvedTask {
    core::Identifier reference;
    core::TaskTemplate tmpl;
  };

  void IndexSubWorkflow(const core::WorkflowTemplate& sub);
  // NOT_FOUND becomes the caller's INVALID_ARGUMENT message; anything else (a broken registry)
  // is not the workflow's fault and aborts the compilation with the resolver's own status.
  void RecordResolverFailure(const Status& status);

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

}  // namespace flyte::engine::compiler
