#include "engine/compiler.h"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "fakes/fake_resolver.h"
#include "fakes/flyteidl_values.h"
#include "fakes/text_proto.h"

namespace flyte::engine {
namespace {

namespace core = flyteidl::core;
using Vars = std::vector<std::pair<std::string, core::LiteralType>>;
using Strings = std::vector<std::string>;

// ---- builders --------------------------------------------------------------------------------

core::LiteralType Simple(core::SimpleType simple) {
  core::LiteralType type;
  type.set_simple(simple);
  return type;
}
core::LiteralType Int() { return Simple(core::INTEGER); }
core::LiteralType Str() { return Simple(core::STRING); }
core::LiteralType List(const core::LiteralType& element) {
  core::LiteralType type;
  *type.mutable_collection_type() = element;
  return type;
}
core::LiteralType Optional(const core::LiteralType& inner) {
  core::LiteralType type;
  *type.mutable_union_type()->add_variants() = inner;
  *type.mutable_union_type()->add_variants() = Simple(core::NONE);
  return type;
}

using testing::Id;
core::Identifier TaskId(const std::string& name) { return Id(core::TASK, name); }
core::Identifier WorkflowId(const std::string& name) { return Id(core::WORKFLOW, name); }
core::Identifier LaunchPlanId(const std::string& name) { return Id(core::LAUNCH_PLAN, name); }

core::VariableMap VarMap(const Vars& vars) {
  core::VariableMap map;
  for (const auto& [name, type] : vars) *(*map.mutable_variables())[name].mutable_type() = type;
  return map;
}

core::TypedInterface Interface(const Vars& inputs, const Vars& outputs) {
  core::TypedInterface iface;
  *iface.mutable_inputs() = VarMap(inputs);
  *iface.mutable_outputs() = VarMap(outputs);
  return iface;
}

core::TaskTemplate Task(const std::string& name, const Vars& inputs, const Vars& outputs) {
  core::TaskTemplate task;
  *task.mutable_id() = TaskId(name);
  task.set_type("python-task");
  *task.mutable_interface() = Interface(inputs, outputs);
  return task;
}

// A binding to another node's output ("start-node" for workflow inputs).
core::Binding Promise(const std::string& var, const std::string& node, const std::string& output) {
  core::Binding binding;
  binding.set_var(var);
  binding.mutable_binding()->mutable_promise()->set_node_id(node);
  binding.mutable_binding()->mutable_promise()->set_var(output);
  return binding;
}

core::Binding IntLiteral(const std::string& var, int64_t value) {
  core::Binding binding;
  binding.set_var(var);
  binding.mutable_binding()->mutable_scalar()->mutable_primitive()->set_integer(value);
  return binding;
}

core::Binding StrLiteral(const std::string& var, const std::string& value) {
  core::Binding binding;
  binding.set_var(var);
  binding.mutable_binding()->mutable_scalar()->mutable_primitive()->set_string_value(value);
  return binding;
}

core::Node TaskNode(const std::string& id, const std::string& task, std::vector<core::Binding> inputs = {}) {
  core::Node node;
  node.set_id(id);
  node.mutable_metadata()->set_name(task);
  *node.mutable_task_node()->mutable_reference_id() = TaskId(task);
  for (auto& binding : inputs) *node.add_inputs() = std::move(binding);
  return node;
}

core::Node SubWorkflowNode(const std::string& id, const std::string& workflow, std::vector<core::Binding> inputs) {
  core::Node node;
  node.set_id(id);
  *node.mutable_workflow_node()->mutable_sub_workflow_ref() = WorkflowId(workflow);
  for (auto& binding : inputs) *node.add_inputs() = std::move(binding);
  return node;
}

core::Node LaunchPlanNode(const std::string& id, const std::string& plan, std::vector<core::Binding> inputs) {
  core::Node node;
  node.set_id(id);
  *node.mutable_workflow_node()->mutable_launchplan_ref() = LaunchPlanId(plan);
  for (auto& binding : inputs) *node.add_inputs() = std::move(binding);
  return node;
}

core::WorkflowTemplate Workflow(const std::string& name, const Vars& inputs, const Vars& outputs,
                                std::vector<core::Node> nodes, std::vector<core::Binding> output_bindings) {
  core::WorkflowTemplate wf;
  *wf.mutable_id() = WorkflowId(name);
  *wf.mutable_interface() = Interface(inputs, outputs);
  for (auto& node : nodes) *wf.add_nodes() = std::move(node);
  for (auto& binding : output_bindings) *wf.add_outputs() = std::move(binding);
  return wf;
}

// ---- the fixture -----------------------------------------------------------------------------

struct CompilerFixture {
  CompilerFixture() {
    resolver.AddTask(Task("double", {{"x", Int()}}, {{"o0", Int()}}));
    resolver.AddTask(Task("to_str", {{"x", Int()}}, {{"o0", Str()}}));
    resolver.AddTask(Task("sum", {{"a", Int()}, {"b", Int()}}, {{"o0", Int()}}));
    resolver.AddTask(Task("noop", {}, {}));
    resolver.AddTask(Task("greet", {{"name", Str()}}, {{"o0", Str()}}));
    resolver.AddTask(Task("maybe", {{"x", Optional(Int())}}, {{"o0", Int()}}));
    resolver.AddTask(Task("total", {{"xs", List(Int())}}, {{"o0", Int()}}));
    // A flytekit map task registers the list interface itself.
    resolver.AddTask(Task("mod.map_double_abc-arraynode", {{"x", List(Int())}}, {{"o0", List(Int())}}));
    LaunchPlanInterface plan;
    *(*plan.inputs.mutable_parameters())["x"].mutable_var()->mutable_type() = Int();
    (*plan.inputs.mutable_parameters())["x"].set_required(true);
    auto& scale = (*plan.inputs.mutable_parameters())["scale"];
    *scale.mutable_var()->mutable_type() = Int();
    scale.mutable_default_()->mutable_scalar()->mutable_primitive()->set_integer(2);
    plan.outputs = VarMap({{"o0", Int()}});
    resolver.AddLaunchPlan(LaunchPlanId("child_lp"), plan);
  }

  StatusOr<core::CompiledWorkflowClosure> Compile(const core::WorkflowTemplate& wf,
                                                  const std::vector<core::WorkflowTemplate>& subs = {}) {
    google::protobuf::RepeatedPtrField<core::WorkflowTemplate> sub_workflows(subs.begin(), subs.end());
    return CompileWorkflow(wf, sub_workflows, resolver);
  }

  testing::FakeResolver resolver;
};

Strings NodeIds(const core::CompiledWorkflow& wf) {
  Strings ids;
  for (const auto& node : wf.template_().nodes()) ids.push_back(node.id());
  return ids;
}

Strings Upstream(const core::CompiledWorkflow& wf, const std::string& id) {
  auto it = wf.connections().upstream().find(id);
  if (it == wf.connections().upstream().end()) return {};
  return Strings(it->second.ids().begin(), it->second.ids().end());
}

Strings Downstream(const core::CompiledWorkflow& wf, const std::string& id) {
  auto it = wf.connections().downstream().find(id);
  if (it == wf.connections().downstream().end()) return {};
  return Strings(it->second.ids().begin(), it->second.ids().end());
}

const core::Node& FindNode(const core::CompiledWorkflow& wf, const std::string& id) {
  for (const auto& node : wf.template_().nodes()) {
    if (node.id() == id) return node;
  }
  FAIL("no node " << id);
  return wf.template_().nodes(0);
}

Strings TaskNames(const core::CompiledWorkflowClosure& closure) {
  Strings names;
  for (const auto& task : closure.tasks()) names.push_back(task.template_().id().name());
  return names;
}

// ---- successful compilations -----------------------------------------------------------------

TEST_CASE_FIXTURE(CompilerFixture, "a chain of two tasks") {
  auto wf = Workflow("wf", {{"x", Int()}}, {{"o0", Str()}},
                     {TaskNode("n0", "double", {Promise("x", "start-node", "x")}),
                      TaskNode("n1", "to_str", {Promise("x", "n0", "o0")})},
                     {Promise("o0", "n1", "o0")});
  auto closure = Compile(wf);
  REQUIRE_MESSAGE(closure.ok(), closure.status());
  const auto& primary = closure->primary();

  // Sentinels first, as propeller adds them; they carry no target.
  CHECK(NodeIds(primary) == Strings{"start-node", "end-node", "n0", "n1"});
  const auto& start = FindNode(primary, "start-node");
  CHECK(start.target_case() == core::Node::TARGET_NOT_SET);
  CHECK(start.inputs().empty());
  const auto& end = FindNode(primary, "end-node");
  CHECK(end.target_case() == core::Node::TARGET_NOT_SET);
  REQUIRE(end.inputs_size() == 1);
  CHECK(end.inputs(0).binding().promise().node_id() == "n1");

  CHECK(Downstream(primary, "start-node") == Strings{"n0"});
  CHECK(Downstream(primary, "n0") == Strings{"n1"});
  CHECK(Downstream(primary, "n1") == Strings{"end-node"});
  CHECK(Downstream(primary, "end-node").empty());
  CHECK(Upstream(primary, "n0") == Strings{"start-node"});
  CHECK(Upstream(primary, "n1") == Strings{"n0"});
  CHECK(Upstream(primary, "end-node") == Strings{"n1"});
  CHECK(Upstream(primary, "start-node").empty());
  // Propeller leaves upstream_node_ids as declared (only sorted).
  CHECK(FindNode(primary, "n1").upstream_node_ids().empty());

  CHECK(primary.template_().id().name() == "wf");
  CHECK(primary.template_().outputs(0).binding().promise().node_id() == "n1");
  CHECK(TaskNames(*closure) == Strings{"double", "to_str"});
  CHECK(closure->sub_workflows().empty());
  CHECK(closure->launch_plans().empty());
}

TEST_CASE_FIXTURE(CompilerFixture, "fan-out and fan-in") {
  auto wf = Workflow(
      "wf", {{"x", Int()}}, {{"o0", Int()}},
      {TaskNode("n0", "double", {Promise("x", "start-node", "x")}),
       TaskNode("n1", "double", {Promise("x", "n0", "o0")}), TaskNode("n2", "double", {Promise("x", "n0", "o0")}),
       TaskNode("n3", "sum", {Promise("a", "n1", "o0"), Promise("b", "n2", "o0")})},
      {Promise("o0", "n3", "o0")});
  auto closure = Compile(wf);
  REQUIRE_MESSAGE(closure.ok(), closure.status());
  const auto& primary = closure->primary();
  CHECK(Downstream(primary, "n0") == Strings{"n1", "n2"});
  CHECK(Upstream(primary, "n3") == Strings{"n1", "n2"});
  CHECK(Downstream(primary, "n1") == Strings{"n3"});
  CHECK(Upstream(primary, "end-node") == Strings{"n3"});
  // The same task used three times appears once.
  CHECK(TaskNames(*closure) == Strings{"double", "sum"});
  CHECK(resolver.task_lookups == 2);
}

TEST_CASE_FIXTURE(CompilerFixture, "workflow inputs, literals, orphans and explicit dependencies") {
  auto unnamed = Promise("name", "", "who");  // an empty node id means the workflow's inputs
  auto wf =
      Workflow("wf", {{"x", Int()}, {"who", Str()}}, {{"o0", Int()}, {"greeting", Str()}},
               {TaskNode("n0", "double", {Promise("x", "start-node", "x")}), TaskNode("n1", "greet", {unnamed}),
                TaskNode("n2", "noop"), TaskNode("n3", "double", {IntLiteral("x", 4)}), TaskNode("n4", "maybe", {})},
               {Promise("o0", "n0", "o0"), Promise("greeting", "n1", "o0")});
  *wf.mutable_nodes(3)->add_upstream_node_ids() = "n2";
  *wf.mutable_nodes(3)->add_upstream_node_ids() = "n0";
  auto closure = Compile(wf);
  REQUIRE_MESSAGE(closure.ok(), closure.status());
  const auto& primary = closure->primary();
  // Bound to workflow inputs: start-node is their upstream.
  CHECK(Upstream(primary, "n0") == Strings{"start-node"});
  CHECK(Upstream(primary, "n1") == Strings{"start-node"});
  CHECK(FindNode(primary, "n1").inputs(0).binding().promise().node_id() == "start-node");
  // No inputs at all: hung off start-node; consumed by nobody: feeds end-node.
  CHECK(Upstream(primary, "n2") == Strings{"start-node"});
  CHECK(Downstream(primary, "n2") == Strings{"n3"});
  CHECK(Upstream(primary, "n3") == Strings{"n0", "n2"});
  CHECK(Downstream(primary, "n3") == Strings{"end-node"});
  CHECK(Upstream(primary, "n4") == Strings{"start-node"});  // optional input left unbound
  CHECK(Downstream(primary, "start-node") == Strings{"n0", "n1", "n2", "n4"});
  CHECK(Upstream(primary, "end-node") == Strings{"n0", "n1", "n3", "n4"});
  // upstream_node_ids are sorted, not otherwise changed.
  const auto& n3 = FindNode(primary, "n3");
  CHECK(Strings(n3.upstream_node_ids().begin(), n3.upstream_node_ids().end()) == Strings{"n0", "n2"});
}

TEST_CASE_FIXTURE(CompilerFixture, "collection, map and union bindings") {
  core::Binding xs;
  xs.set_var("xs");
  auto* items = xs.mutable_binding()->mutable_collection();
  items->add_bindings()->mutable_promise()->set_node_id("n0");
  items->mutable_bindings(0)->mutable_promise()->set_var("o0");
  items->add_bindings()->mutable_scalar()->mutable_primitive()->set_integer(3);
  core::Binding none;
  none.set_var("x");
  none.mutable_binding()->mutable_scalar()->mutable_none_type();
  auto wf = Workflow("wf", {}, {{"o0", Int()}},
                     {TaskNode("n0", "double", {IntLiteral("x", 1)}), TaskNode("n1", "total", {xs}),
                      TaskNode("n2", "maybe", {none}), TaskNode("n3", "maybe", {Promise("x", "n1", "o0")})},
                     {Promise("o0", "n1", "o0")});
  auto closure = Compile(wf);
  REQUIRE_MESSAGE(closure.ok(), closure.status());
  CHECK(Upstream(closure->primary(), "n1") == Strings{"n0"});
  CHECK(Upstream(closure->primary(), "n3") == Strings{"n1"});
}

TEST_CASE_FIXTURE(CompilerFixture, "promise attribute paths, list indices and union-typed lists") {
  core::LiteralType point = Simple(core::STRUCT);
  (*point.mutable_structure()->mutable_dataclass_type())["x"] = Int();
  (*point.mutable_structure()->mutable_dataclass_type())["y"] = Str();
  resolver.AddTask(Task("make_point", {}, {{"o0", point}, {"xs", List(Int())}}));
  resolver.AddTask(Task("maybe_list", {{"xs", Optional(List(Int()))}}, {}));
  auto attr = [](const std::string& var, const std::string& field) {
    core::Binding binding = Promise(var, "n0", "o0");
    binding.mutable_binding()->mutable_promise()->add_attr_path()->set_string_value(field);
    return binding;
  };
  core::Binding list;
  list.set_var("xs");
  list.mutable_binding()->mutable_collection()->add_bindings()->mutable_scalar()->mutable_primitive()->set_integer(1);
  auto wf = Workflow("wf", {}, {},
                     {TaskNode("n0", "make_point"), TaskNode("n1", "double", {attr("x", "x")}),
                      TaskNode("n2", "greet", {attr("name", "y")}),
                      TaskNode("n3", "double", {Promise("x", "n0", "[1].xs")}), TaskNode("n4", "maybe_list", {list})},
                     {});
  auto closure = Compile(wf);
  REQUIRE_MESSAGE(closure.ok(), closure.status());
  CHECK(Upstream(closure->primary(), "n3") == Strings{"n0"});

  auto wrong_field = wf;
  *wrong_field.mutable_nodes(1) = TaskNode("n1", "double", {attr("x", "y")});
  auto failed = Compile(wrong_field);
  REQUIRE_FALSE(failed.ok());
  CHECK(std::string(failed.status().message()).find("node \"n1\": input \"x\" (integer) cannot take n0.o0 (string)") !=
        std::string::npos);

  auto missing_field = wf;
  *missing_field.mutable_nodes(1) = TaskNode("n1", "double", {attr("x", "z")});
  failed = Compile(missing_field);
  REQUIRE_FALSE(failed.ok());
  CHECK(std::string(failed.status().message()).find("node \"n1\": input \"x\" reads attribute \"z\"") !=
        std::string::npos);
}

TEST_CASE_FIXTURE(CompilerFixture, "sub-workflow nodes compile their sub-workflow into the closure") {
  auto sub = Workflow("sub", {{"a", Int()}}, {{"o0", Str()}},
                      {TaskNode("s0", "to_str", {Promise("x", "start-node", "a")})}, {Promise("o0", "s0", "o0")});
  auto unused = Workflow("unused", {}, {}, {TaskNode("u0", "noop")}, {});
  auto wf = Workflow("wf", {{"x", Int()}}, {{"o0", Str()}},
                     {TaskNode("n0", "double", {Promise("x", "start-node", "x")}),
                      SubWorkflowNode("n1", "sub", {Promise("a", "n0", "o0")})},
                     {Promise("o0", "n1", "o0")});
  auto closure = Compile(wf, {unused, sub});
  REQUIRE_MESSAGE(closure.ok(), closure.status());
  REQUIRE(closure->sub_workflows_size() == 1);
  const auto& compiled_sub = closure->sub_workflows(0);
  CHECK(compiled_sub.template_().id().name() == "sub");
  CHECK(NodeIds(compiled_sub) == Strings{"start-node", "end-node", "s0"});
  CHECK(Upstream(compiled_sub, "s0") == Strings{"start-node"});
  CHECK(Upstream(compiled_sub, "end-node") == Strings{"s0"});
  CHECK(Upstream(closure->primary(), "n1") == Strings{"n0"});
  // Tasks from sub-workflows are in the closure; those of unreachable ones are not.
  CHECK(TaskNames(*closure) == Strings{"double", "to_str"});
}

TEST_CASE_FIXTURE(CompilerFixture, "nested sub-workflows are all included") {
  auto inner = Workflow("inner", {}, {}, {TaskNode("i0", "noop")}, {});
  auto outer = Workflow("outer", {}, {}, {SubWorkflowNode("o0", "inner", {})}, {});
  auto wf = Workflow("wf", {}, {}, {SubWorkflowNode("n0", "outer", {}), SubWorkflowNode("n1", "outer", {})}, {});
  auto closure = Compile(wf, {outer, inner});
  REQUIRE_MESSAGE(closure.ok(), closure.status());
  REQUIRE(closure->sub_workflows_size() == 2);
  CHECK(closure->sub_workflows(0).template_().id().name() == "outer");
  CHECK(closure->sub_workflows(1).template_().id().name() == "inner");
  CHECK(TaskNames(*closure) == Strings{"noop"});
}

TEST_CASE_FIXTURE(CompilerFixture, "launch plan node may leave defaulted inputs unbound") {
  auto wf = Workflow("wf", {{"x", Int()}}, {{"o0", Int()}},
                     {LaunchPlanNode("n0", "child_lp", {Promise("x", "start-node", "x")}),
                      LaunchPlanNode("n1", "child_lp", {Promise("x", "n0", "o0"), IntLiteral("scale", 5)})},
                     {Promise("o0", "n1", "o0")});
  auto closure = Compile(wf);
  REQUIRE_MESSAGE(closure.ok(), closure.status());
  CHECK(Upstream(closure->primary(), "n1") == Strings{"n0"});
  CHECK(closure->tasks().empty());
  CHECK(closure->launch_plans().empty());  // FlyteAdmin does not fill them
  CHECK(resolver.launch_plan_lookups == 1);
}

// What flytekit emits for `conditional("c").if_(x > 5).then(double(x=x)).else_().then(double(x=1))`.
core::Node BranchNodeFor(const std::string& else_task) {
  std::string text = R"pb(
    id: "n1"
    metadata { name: "c" }
    inputs {
      var: "start-node.x"
      binding { promise { node_id: "start-node" var: "x" } }
    }
    branch_node {
      if_else {
        case {
          condition {
            comparison {
              operator: GT
              left_value { var: "start-node.x" }
              right_value { primitive { integer: 5 } }
            }
          }
          then_node {
            id: "n0"
            inputs {
              var: "x"
              binding { promise { node_id: "start-node" var: "x" } }
            }
            task_node {
              reference_id {
                resource_type: TASK
                project: "flytesnacks"
                domain: "development"
                name: "double"
                version: "v1"
              }
            }
          }
        }
        else_node {
          id: "n1"
          inputs {
            var: "x"
            binding { scalar { primitive { integer: 1 } } }
          }
          task_node {
            reference_id {
              resource_type: TASK
              project: "flytesnacks"
              domain: "development"
              name: "ELSE_TASK"
              version: "v1"
            }
          }
        }
      }
    })pb";
  text.replace(text.find("ELSE_TASK"), 9, else_task);
  return testing::ParseText<core::Node>(text);
}

TEST_CASE_FIXTURE(CompilerFixture, "branch node") {
  auto wf = Workflow("wf", {{"x", Int()}}, {{"o0", Str()}},
                     {BranchNodeFor("double"), TaskNode("n2", "to_str", {Promise("x", "n1", "o0")})},
                     {Promise("o0", "n2", "o0")});
  auto closure = Compile(wf);
  REQUIRE_MESSAGE(closure.ok(), closure.status());
  const auto& primary = closure->primary();
  const auto& branch = FindNode(primary, "n1");
  // Sub-nodes are renamed after the branch node, as propeller does.
  CHECK(branch.branch_node().if_else().case_().then_node().id() == "n1-n0");
  CHECK(branch.branch_node().if_else().else_node().id() == "n1-n1");
  CHECK(NodeIds(primary) == Strings{"start-node", "end-node", "n1", "n2"});
  CHECK(Upstream(primary, "n1") == Strings{"start-node"});
  CHECK(Upstream(primary, "n1-n0") == Strings{"start-node"});  // upstream-only edges for sub-nodes
  CHECK(Upstream(primary, "n1-n1").empty());
  CHECK(Downstream(primary, "start-node") == Strings{"n1"});
  CHECK(Downstream(primary, "n1") == Strings{"n2"});
  CHECK(TaskNames(*closure) == Strings{"double", "to_str"});
}

TEST_CASE_FIXTURE(CompilerFixture, "a branch node runs after the nodes its branches read") {
  // flytekit's upstream for a branch node is what its conditions read (here the workflow input);
  // the taken branch reads n0's output, so n1 must wait for n0.
  core::Node branch = BranchNodeFor("double");
  *branch.mutable_branch_node()->mutable_if_else()->mutable_case_()->mutable_then_node()->mutable_inputs(0) =
      Promise("x", "n0", "o0");
  auto wf =
      Workflow("wf", {{"x", Int()}}, {{"o0", Int()}},
               {TaskNode("n0", "double", {Promise("x", "start-node", "x")}), branch}, {Promise("o0", "n1", "o0")});
  auto closure = Compile(wf);
  REQUIRE_MESSAGE(closure.ok(), closure.status());
  const auto& primary = closure->primary();
  CHECK(Upstream(primary, "n1") == Strings{"n0", "start-node"});
  CHECK(Downstream(primary, "n0") == Strings{"n1"});
  CHECK(Upstream(primary, "n1-n0") == Strings{"n0"});
}

TEST_CASE_FIXTURE(CompilerFixture, "branch outputs are those every branch produces") {
  // The else branch (to_str) produces a string o0, the then branch an integer one.
  auto wf = Workflow("wf", {{"x", Int()}}, {{"o0", Int()}}, {BranchNodeFor("to_str")}, {Promise("o0", "n1", "o0")});
  auto closure = Compile(wf);
  REQUIRE_FALSE(closure.ok());
  CHECK(closure.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(closure.status().message()).find("node \"n1\": branches disagree") != std::string::npos);

  auto noop_else = BranchNodeFor("noop");
  auto* else_node = noop_else.mutable_branch_node()->mutable_if_else()->mutable_else_node();
  else_node->clear_inputs();
  auto wf2 = Workflow("wf", {{"x", Int()}}, {{"o0", Int()}}, {noop_else}, {Promise("o0", "n1", "o0")});
  auto closure2 = Compile(wf2);
  REQUIRE_FALSE(closure2.ok());
  CHECK(std::string(closure2.status().message()).find("node \"end-node\"") != std::string::npos);
  CHECK(std::string(closure2.status().message()).find("has no output \"o0\"") != std::string::npos);
}

TEST_CASE_FIXTURE(CompilerFixture, "branch conditions must read bound inputs") {
  auto branch = BranchNodeFor("double");
  branch.clear_inputs();
  auto wf = Workflow("wf", {{"x", Int()}}, {}, {branch}, {});
  auto closure = Compile(wf);
  REQUIRE_FALSE(closure.ok());
  CHECK(std::string(closure.status().message())
            .find("node \"n1\": a condition reads \"start-node.x\", which is not an input") != std::string::npos);
}

TEST_CASE_FIXTURE(CompilerFixture, "gate nodes") {
  auto approve = testing::ParseText<core::Node>(R"pb(
    id: "n1"
    inputs {
      var: "o0"
      binding { promise { node_id: "n0" var: "o0" } }
    }
    gate_node { approve { signal_id: "ok" } })pb");
  auto signal = testing::ParseText<core::Node>(R"pb(
    id: "n2"
    upstream_node_ids: "n1"
    gate_node {
      signal {
        signal_id: "s"
        type { simple: STRING }
        output_variable_name: "o0"
      }
    })pb");
  auto sleep = testing::ParseText<core::Node>(R"pb(id: "n3"
                                                   gate_node { sleep { duration { seconds: 5 } } })pb");
  auto wf = Workflow("wf", {{"x", Int()}}, {{"o0", Str()}, {"doubled", Int()}},
                     {TaskNode("n0", "double", {Promise("x", "start-node", "x")}), approve, signal, sleep,
                      TaskNode("n4", "greet", {Promise("name", "n2", "o0")})},
                     {Promise("o0", "n4", "o0"), Promise("doubled", "n1", "o0")});
  auto closure = Compile(wf);
  REQUIRE_MESSAGE(closure.ok(), closure.status());
  const auto& primary = closure->primary();
  CHECK(Upstream(primary, "n1") == Strings{"n0"});
  CHECK(Upstream(primary, "n2") == Strings{"n1"});
  CHECK(Upstream(primary, "n3") == Strings{"start-node"});
  CHECK(Downstream(primary, "n3") == Strings{"end-node"});
  CHECK(Upstream(primary, "n4") == Strings{"n2"});

  // The signal's output is a string: binding it to an integer input fails.
  auto bad = wf;
  *bad.mutable_nodes(4) = TaskNode("n4", "double", {Promise("x", "n2", "o0")});
  auto failed = Compile(bad);
  REQUIRE_FALSE(failed.ok());
  CHECK(std::string(failed.status().message()).find("node \"n4\": input \"x\" (integer) cannot take n2.o0 (string)") !=
        std::string::npos);
}

TEST_CASE_FIXTURE(CompilerFixture, "array node of a map task keeps the list interface") {
  auto array = testing::ParseText<core::Node>(R"pb(
    id: "n1"
    metadata { name: "mod.map_double_abc-arraynode" }
    inputs {
      var: "x"
      binding { promise { node_id: "n0" var: "o0" } }
    }
    array_node {
      node {
        id: "mod.map_double_abc-arraynode"
        inputs {
          var: "x"
          binding { promise { node_id: "n0" var: "o0" } }
        }
        task_node {
          reference_id {
            resource_type: TASK
            project: "flytesnacks"
            domain: "development"
            name: "mod.map_double_abc-arraynode"
            version: "v1"
          }
        }
      }
      min_success_ratio: 1
      execution_mode: MINIMAL_STATE
      is_original_sub_node_interface { value: false }
    })pb");
  auto wf = Workflow("wf", {{"xs", List(Int())}}, {{"o0", Int()}},
                     {TaskNode("n0", "total", {Promise("xs", "start-node", "xs")}), array,
                      TaskNode("n2", "total", {Promise("xs", "n1", "o0")})},
                     {Promise("o0", "n2", "o0")});
  // n0 produces an int, but the map task wants a list: the array node is typed by its list interface.
  auto failed = Compile(wf);
  REQUIRE_FALSE(failed.ok());
  CHECK(std::string(failed.status().message()).find("node \"n1\": input \"x\" (list<integer>)") != std::string::npos);

  *wf.mutable_nodes(1)->mutable_inputs(0) = Promise("x", "start-node", "xs");
  *wf.mutable_nodes(0) = TaskNode("n0", "noop");
  auto closure = Compile(wf);
  REQUIRE_MESSAGE(closure.ok(), closure.status());
  CHECK(Upstream(closure->primary(), "n1") == Strings{"start-node"});
  CHECK(Upstream(closure->primary(), "n2") == Strings{"n1"});
  CHECK(TaskNames(*closure) == Strings{"mod.map_double_abc-arraynode", "noop", "total"});
}

TEST_CASE_FIXTURE(CompilerFixture, "array node over a launch plan wraps the original interface") {
  auto array = testing::ParseText<core::Node>(R"pb(
    id: "n0"
    inputs {
      var: "x"
      binding { promise { node_id: "start-node" var: "xs" } }
    }
    array_node {
      node {
        id: "array_node_subnode"
        inputs {
          var: "x"
          binding { promise { node_id: "start-node" var: "xs" } }
        }
        workflow_node {
          launchplan_ref {
            resource_type: LAUNCH_PLAN
            project: "flytesnacks"
            domain: "development"
            name: "child_lp"
            version: "v1"
          }
        }
      }
      is_original_sub_node_interface { value: true }
      data_mode: SINGLE_INPUT_FILE
    })pb");
  auto wf = Workflow("wf", {{"xs", List(Int())}}, {{"o0", Int()}},
                     {array, TaskNode("n1", "total", {Promise("xs", "n0", "o0")})}, {Promise("o0", "n1", "o0")});
  auto closure = Compile(wf);
  REQUIRE_MESSAGE(closure.ok(), closure.status());
  CHECK(Upstream(closure->primary(), "n1") == Strings{"n0"});
}

TEST_CASE_FIXTURE(CompilerFixture, "failure node gets upstream edges only") {
  auto wf = Workflow("wf", {{"x", Int()}}, {}, {TaskNode("n0", "double", {Promise("x", "start-node", "x")})}, {});
  *wf.mutable_failure_node() = TaskNode("fn", "maybe", {Promise("x", "start-node", "x")});
  auto closure = Compile(wf);
  REQUIRE_MESSAGE(closure.ok(), closure.status());
  const auto& primary = closure->primary();
  CHECK(Upstream(primary, "fn") == Strings{"start-node"});
  CHECK(Downstream(primary, "start-node") == Strings{"n0"});
  CHECK(NodeIds(primary) == Strings{"start-node", "end-node", "n0"});
  CHECK(TaskNames(*closure) == Strings{"double", "maybe"});
}

// ---- errors ----------------------------------------------------------------------------------

struct ErrorCase {
  std::string name;
  core::WorkflowTemplate workflow;
  std::string expected;  // a fragment of the message, which names the node
};

TEST_CASE_FIXTURE(CompilerFixture, "invalid workflows are INVALID_ARGUMENT naming the node") {
  const core::Node n0 = TaskNode("n0", "double", {Promise("x", "start-node", "x")});
  const Vars x_in = {{"x", Int()}};
  const Vars int_out = {{"o0", Int()}};
  core::Binding list_literal;
  list_literal.set_var("x");
  list_literal.mutable_binding()
      ->mutable_collection()
      ->add_bindings()
      ->mutable_scalar()
      ->mutable_primitive()
      ->set_integer(1);
  core::Binding map_literal;
  map_literal.set_var("xs");
  (*map_literal.mutable_binding()->mutable_map()->mutable_bindings())["k"]
      .mutable_scalar()
      ->mutable_primitive()
      ->set_integer(1);
  core::Binding list_of_strings;
  list_of_strings.set_var("xs");
  list_of_strings.mutable_binding()
      ->mutable_collection()
      ->add_bindings()
      ->mutable_scalar()
      ->mutable_primitive()
      ->set_string_value("a");

  std::vector<ErrorCase> cases = {
      {"duplicate node id", Workflow("wf", x_in, {}, {n0, n0}, {}), "node \"n0\": duplicate node id"},
      {"node id with a slash",
       Workflow("wf", x_in, {}, {TaskNode("victim/n0", "double", {Promise("x", "start-node", "x")})}, {}),
       "node \"victim/n0\": a node id must not contain '/' or '..'"},
      {"node id climbing out", Workflow("wf", x_in, {}, {TaskNode("..", "double", {Promise("x", "start-node", "x")})}, {}),
       "node \"..\": a node id must not contain '/' or '..'"},
      {"reserved node id",
       Workflow("wf", x_in, {}, {n0, TaskNode("end-node", "noop")}, {}), "node \"end-node\": this id is reserved"},
      {"unknown upstream node",
       Workflow("wf", x_in, {}, {TaskNode("n1", "double", {Promise("x", "nX", "o0")})}, {}),
       "node \"n1\": input \"x\" is bound to node \"nX\", which does not exist"},
      {"unknown output",
       Workflow("wf", x_in, {}, {n0, TaskNode("n1", "double", {Promise("x", "n0", "o9")})}, {}),
       "node \"n1\": input \"x\" is bound to n0.o9, but node \"n0\" has no output \"o9\""},
      {"unknown workflow input",
       Workflow("wf", x_in, {}, {TaskNode("n1", "double", {Promise("x", "start-node", "y")})}, {}),
       "node \"n1\": input \"x\" is bound to workflow input \"y\""},
      {"binding not in the interface",
       Workflow("wf", x_in, {}, {TaskNode("n1", "double", {Promise("x", "start-node", "x"), IntLiteral("z", 1)})},
                {}),
       "node \"n1\": binds \"z\", which is not an input of the node"},
      {"bound twice",
       Workflow("wf", x_in, {}, {TaskNode("n1", "double", {Promise("x", "start-node", "x"), IntLiteral("x", 1)})},
                {}),
       "node \"n1\": input \"x\" is bound more than once"},
      {"promise type mismatch",
       Workflow("wf", x_in, {},
                {TaskNode("n0", "to_str", {Promise("x", "start-node", "x")}),
                 TaskNode("n1", "double", {Promise("x", "n0", "o0")})},
                {}),
       "node \"n1\": input \"x\" (integer) cannot take n0.o0 (string)"},
      {"scalar type mismatch", Workflow("wf", {}, {}, {TaskNode("n1", "double", {StrLiteral("x", "a")})}, {}),
       "node \"n1\": input \"x\" (integer) cannot take a string literal"},
      {"none into a plain input",
       [] {
         core::Binding none;
         none.set_var("x");
         none.mutable_binding()->mutable_scalar()->mutable_none_type();
         return Workflow("wf", {}, {}, {TaskNode("n1", "double", {none})}, {});
       }(),
       "node \"n1\": input \"x\" (integer) cannot take a none literal"},
      {"list into a scalar input", Workflow("wf", {}, {}, {TaskNode("n1", "double", {list_literal})}, {}),
       "node \"n1\": input \"x\" (integer) cannot take a list"},
      {"map into a list input", Workflow("wf", {}, {}, {TaskNode("n1", "total", {map_literal})}, {}),
       "node \"n1\": input \"xs\" (list<integer>) cannot take a map"},
      {"list element mismatch", Workflow("wf", {}, {}, {TaskNode("n1", "total", {list_of_strings})}, {}),
       "node \"n1\": input \"xs[0]\" (integer) cannot take a string literal"},
      {"required input not bound", Workflow("wf", {}, {}, {TaskNode("n1", "sum", {IntLiteral("a", 1)})}, {}),
       "node \"n1\": required input \"b\" is not bound"},
      {"cycle",
       Workflow("wf", {}, {},
                {TaskNode("n1", "double", {Promise("x", "n2", "o0")}),
                 TaskNode("n2", "double", {Promise("x", "n1", "o0")})},
                {}),
       "cycle detected: n1 -> n2 -> n1"},
      {"cycle through explicit dependencies",
       [] {
         auto wf = Workflow("wf", {}, {}, {TaskNode("n1", "noop"), TaskNode("n2", "noop"), TaskNode("n3", "noop")}, {});
         *wf.mutable_nodes(1)->add_upstream_node_ids() = "n1";
         *wf.mutable_nodes(1)->add_upstream_node_ids() = "n3";
         *wf.mutable_nodes(2)->add_upstream_node_ids() = "n2";
         return wf;
       }(),
       "cycle detected: n2 -> n3 -> n2"},
      {"unknown explicit dependency",
       [] {
         auto wf = Workflow("wf", {}, {}, {TaskNode("n1", "noop")}, {});
         *wf.mutable_nodes(0)->add_upstream_node_ids() = "ghost";
         return wf;
       }(),
       "node \"n1\": depends on node \"ghost\", which does not exist"},
      {"workflow output not bound", Workflow("wf", x_in, int_out, {n0}, {}),
       "node \"end-node\": workflow output \"o0\" is not bound"},
      {"workflow output of the wrong type", Workflow("wf", x_in, {{"o0", Str()}}, {n0}, {Promise("o0", "n0", "o0")}),
       "node \"end-node\": workflow output \"o0\" (string) cannot take n0.o0 (integer)"},
      {"workflow output not declared", Workflow("wf", x_in, {}, {n0}, {Promise("o0", "n0", "o0")}),
       "node \"end-node\": binds output \"o0\", which the workflow interface does not declare"},
      {"unknown task", Workflow("wf", {}, {}, {TaskNode("n1", "mod.t1")}, {}),
       "node \"n1\": task flytesnacks/development/mod.t1@v1 is not registered"},
      {"unknown launch plan", Workflow("wf", {}, {}, {LaunchPlanNode("n1", "nope", {})}, {}),
       "node \"n1\": launch plan flytesnacks/development/nope@v1 is not registered"},
      {"launch plan required input not bound", Workflow("wf", {}, {}, {LaunchPlanNode("n1", "child_lp", {})}, {}),
       "node \"n1\": required input \"x\" is not bound"},
      {"unknown sub-workflow", Workflow("wf", {}, {}, {SubWorkflowNode("n1", "ghost", {})}, {}),
       "node \"n1\": sub-workflow flytesnacks/development/ghost@v1 is not among the workflow's sub-workflows"},
      {"enum value not allowed",
       [] {
         core::LiteralType color;
         color.mutable_enum_type()->add_values("red");
         auto wf = Workflow("wf", {}, {}, {}, {});
         *wf.add_nodes() = TaskNode("n1", "paint", {StrLiteral("c", "blue")});
         return wf;
       }(),
       "node \"n1\": input \"c\" (enum{red}) cannot take the value \"blue\""},
      {"node without target",
       [] {
         auto wf = Workflow("wf", {}, {}, {}, {});
         wf.add_nodes()->set_id("n1");
         return wf;
       }(),
       "node \"n1\": has no target"},
      {"no nodes", Workflow("wf", {}, {}, {}, {}), "workflow flytesnacks/development/wf@v1: has no nodes"},
  };
  core::LiteralType color;
  color.mutable_enum_type()->add_values("red");
  resolver.AddTask(Task("paint", {{"c", color}}, {}));

  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto closure = Compile(c.workflow);
    REQUIRE_FALSE(closure.ok());
    CHECK(closure.status().code() == absl::StatusCode::kInvalidArgument);
    const std::string message(closure.status().message());
    CAPTURE(message);
    CHECK(message.find(c.expected) != std::string::npos);
  }
}

TEST_CASE_FIXTURE(CompilerFixture, "errors inside sub-workflows name the sub-workflow and the node") {
  auto sub = Workflow("sub", {}, {}, {TaskNode("s0", "double", {StrLiteral("x", "a")})}, {});
  auto wf = Workflow("wf", {}, {}, {SubWorkflowNode("n0", "sub", {})}, {});
  auto closure = Compile(wf, {sub});
  REQUIRE_FALSE(closure.ok());
  CHECK(std::string(closure.status().message())
            .find("sub-workflow flytesnacks/development/sub@v1: node \"s0\": input \"x\"") != std::string::npos);

  auto self = Workflow("self", {}, {}, {SubWorkflowNode("s0", "self", {})}, {});
  auto recursive = Compile(Workflow("wf", {}, {}, {SubWorkflowNode("n0", "self", {})}, {}), {self});
  REQUIRE_FALSE(recursive.ok());
  CHECK(std::string(recursive.status().message()).find("contains itself") != std::string::npos);
}

TEST_CASE_FIXTURE(CompilerFixture, "several problems are reported together") {
  auto wf = Workflow("wf", {}, {}, {TaskNode("n1", "ghost"), TaskNode("n2", "double", {StrLiteral("x", "a")})}, {});
  auto closure = Compile(wf);
  REQUIRE_FALSE(closure.ok());
  const std::string message(closure.status().message());
  CHECK(message.find("node \"n1\": task") != std::string::npos);
  CHECK(message.find("node \"n2\": input \"x\"") != std::string::npos);
}

TEST_CASE_FIXTURE(CompilerFixture, "resolver failures other than NOT_FOUND are returned as they are") {
  resolver.failure = absl::UnavailableError("registry is down");
  auto closure = Compile(Workflow("wf", {}, {}, {TaskNode("n1", "noop")}, {}));
  REQUIRE_FALSE(closure.ok());
  CHECK(closure.status().code() == absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace flyte::engine
