// The workflow compiler: FlyteAdmin's CreateWorkflow compile step (flytepropeller's
// pkg/compiler). Turns a WorkflowTemplate into the CompiledWorkflowClosure GetWorkflow returns.
#pragma once

#include <functional>
#include <string>

#include <google/protobuf/repeated_ptr_field.h>

#include "common/status.h"
#include "flyteidl/core/compiler.pb.h"
#include "flyteidl/core/identifier.pb.h"
#include "flyteidl/core/interface.pb.h"
#include "flyteidl/core/tasks.pb.h"
#include "flyteidl/core/workflow.pb.h"

namespace flyte::engine {

// What a workflow needs to know about a launch plan it calls: its expected inputs (required vs
// defaulted) and expected outputs, i.e. LaunchPlanClosure.expected_inputs / expected_outputs.
struct LaunchPlanInterface {
  flyteidl::core::ParameterMap inputs;
  flyteidl::core::VariableMap outputs;
};
// Finds a registered launch plan's interface; NOT_FOUND when there is none.
using LaunchPlanLookup = std::function<StatusOr<LaunchPlanInterface>(const flyteidl::core::Identifier&)>;

// Supplies the registered entities a workflow refers to. Admin implements it over the registry;
// dynamic workflows implement it over the tasks embedded in a DynamicJobSpec. Return NOT_FOUND
// for an unknown entity (the compiler reports it as INVALID_ARGUMENT naming the node); any other
// error aborts the compilation and is returned as is.
class EntityResolver {
 public:
  virtual ~EntityResolver() = default;
  virtual StatusOr<flyteidl::core::TaskTemplate> GetTask(const flyteidl::core::Identifier& id) = 0;
  virtual StatusOr<LaunchPlanInterface> GetLaunchPlan(const flyteidl::core::Identifier& id) = 0;
};

// Compiles `primary` (with the sub-workflows it may reference) into the closure FlyteAdmin stores
// and GetWorkflow returns:
//  - each compiled template gains the nodes `start-node` (outputs = workflow inputs) and
//    `end-node` (inputs = workflow outputs, bound by template.outputs) ahead of its own nodes;
//    branch then/else nodes are renamed `<branch id>-<node id>`; `connections` holds the edges;
//  - `sub_workflows` holds the sub-workflows reachable from `primary`, compiled the same way, in
//    the order given; `tasks` every task referenced anywhere, sorted by identifier;
//    `launch_plans` stays empty, as in FlyteAdmin.
// Pure: the only outside calls are to `resolver`, once per distinct identifier.
// Errors: INVALID_ARGUMENT listing every problem found, each naming its node.
StatusOr<flyteidl::core::CompiledWorkflowClosure> CompileWorkflow(
    const flyteidl::core::WorkflowTemplate& primary,
    const google::protobuf::RepeatedPtrField<flyteidl::core::WorkflowTemplate>& sub_workflows,
    EntityResolver& resolver);

// `project/domain/name@version`, the form used in error messages.
std::string IdentifierToString(const flyteidl::core::Identifier& id);
// Whether two identifiers name the same entity version (project, domain, name, version).
bool SameEntity(const flyteidl::core::Identifier& a, const flyteidl::core::Identifier& b);

// Node ids the compiler reserves for the workflow's input and output sentinels.
inline constexpr const char kStartNodeId[] = "start-node";
inline constexpr const char kEndNodeId[] = "end-node";

}  // namespace flyte::engine
