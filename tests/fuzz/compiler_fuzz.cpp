// The workflow compiler (engine/compiler/) on whatever a client may register. Input: a serialized
// flyteidl.core.CompiledWorkflowClosure used as the compiler's inputs: `primary.template` is the
// workflow, `sub_workflows[].template` the sub-workflows sent with it, `tasks[].template` the
// registered tasks; each sub-workflow is also registered as a launch plan of the same identifier,
// so launch plan nodes resolve too.
#include <cstddef>
#include <cstdint>

#include "engine/compiler.h"
#include "fakes/fake_resolver.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  flyteidl::core::CompiledWorkflowClosure input;
  if (!input.ParseFromArray(data, static_cast<int>(size))) return 0;
  flyte::testing::FakeResolver resolver;
  google::protobuf::RepeatedPtrField<flyteidl::core::WorkflowTemplate> sub_workflows;
  for (const auto& task : input.tasks()) resolver.AddTask(task.template_());
  for (const auto& sub : input.sub_workflows()) {
    *sub_workflows.Add() = sub.template_();
    flyte::engine::LaunchPlanInterface plan;
    for (const auto& [name, var] : sub.template_().interface().inputs().variables()) {
      *(*plan.inputs.mutable_parameters())[name].mutable_var() = var;
    }
    plan.outputs = sub.template_().interface().outputs();
    resolver.AddLaunchPlan(sub.template_().id(), std::move(plan));
  }
  (void)flyte::engine::CompileWorkflow(input.primary().template_(), sub_workflows, resolver);
  return 0;
}
