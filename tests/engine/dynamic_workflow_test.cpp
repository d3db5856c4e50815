#include "engine/dynamic_workflow.h"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "fakes/text_proto.h"

namespace flyte::engine {
namespace {

namespace core = flyteidl::core;
using testing::ParseText;

constexpr char kTask[] = R"pb(
  id { resource_type: TASK project: "p" domain: "d" name: "square" version: "v1" }
  type: "python-task"
  interface {
    inputs {
      variables {
        key: "x"
        value { type { simple: INTEGER } }
      }
    }
    outputs {
      variables {
        key: "o0"
        value { type { simple: INTEGER } }
      }
    }
  }
)pb";

std::string SquareNode(const std::string& id, int x) {
  return "nodes { id: \"" + id +
         "\" task_node { reference_id { resource_type: TASK project: \"p\" domain: \"d\" name: \"square\" "
         "version: \"v1\" } } inputs { var: \"x\" binding { scalar { primitive { integer: " +
         std::to_string(x) + " } } } } }";
}

// What flytekit writes for `[square(x=i) for i in range(2)]`.
core::DynamicJobSpec TwoSquares() {
  return ParseText<core::DynamicJobSpec>(SquareNode("dn0", 0) + SquareNode("dn1", 1) + R"pb(
                                           min_successes: 2
                                           outputs {
                                             var: "o0"
                                             binding {
                                               collection {
                                                 bindings { promise { node_id: "dn0" var: "o0" } }
                                                 bindings { promise { node_id: "dn1" var: "o0" } }
                                               }
                                             }
                                           }
                                         )pb" +
                                         std::string("tasks {") + kTask + "}");
}

core::TypedInterface ListOfInts() {
  return ParseText<core::TypedInterface>(R"pb(
    inputs {
      variables {
        key: "n"
        value { type { simple: INTEGER } }
      }
    }
    outputs {
      variables {
        key: "o0"
        value { type { collection_type { simple: INTEGER } } }
      }
    }
  )pb");
}

core::Identifier WorkflowId() {
  return ParseText<core::Identifier>(
      R"pb(resource_type: WORKFLOW project: "p" domain: "d" name: "dynamic_n0" version: "e1")pb");
}

LaunchPlanLookup NoLaunchPlans() {
  return [](const core::Identifier& id) -> StatusOr<LaunchPlanInterface> {
    return absl::NotFoundError("no launch plan " + IdentifierToString(id));
  };
}

TEST_CASE("a dynamic job spec compiles with the tasks it embeds and the dynamic task's interface") {
  auto closure = CompileDynamicWorkflow(TwoSquares(), ListOfInts(), WorkflowId(), NoLaunchPlans());
  REQUIRE(closure.ok());
  const auto& primary = closure->primary().template_();
  CHECK(primary.id().name() == "dynamic_n0");
  CHECK(primary.interface().outputs().variables().contains("o0"));
  std::set<std::string> ids;
  for (const auto& node : primary.nodes()) ids.insert(node.id());
  CHECK(ids == std::set<std::string>{"start-node", "end-node", "dn0", "dn1"});
  REQUIRE(closure->tasks_size() == 1);
  CHECK(closure->tasks(0).template_().id().name() == "square");
  CHECK(closure->primary().connections().upstream().at("end-node").ids_size() == 2);
}

TEST_CASE("a dynamic job spec naming a task it does not embed is rejected, naming the node") {
  core::DynamicJobSpec spec = TwoSquares();
  spec.clear_tasks();
  auto closure = CompileDynamicWorkflow(spec, ListOfInts(), WorkflowId(), NoLaunchPlans());
  REQUIRE(absl::IsInvalidArgument(closure.status()));
  CHECK(std::string(closure.status().message()).find("dn0") != std::string::npos);
}

TEST_CASE("outputs of a dynamic job spec are checked against the dynamic task's interface") {
  core::TypedInterface interface = ListOfInts();
  (*interface.mutable_outputs()->mutable_variables())["o0"].mutable_type()->set_simple(core::STRING);
  CHECK(
      absl::IsInvalidArgument(CompileDynamicWorkflow(TwoSquares(), interface, WorkflowId(), NoLaunchPlans()).status()));
}

}  // namespace
}  // namespace flyte::engine
