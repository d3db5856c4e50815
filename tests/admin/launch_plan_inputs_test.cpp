#include "admin/launch_plan_inputs.h"

#include <doctest/doctest.h>

#include "fakes/flyteidl_values.h"

namespace flyte::admin {
namespace {

using testing::IntLiteral;

flyteidl::core::Variable IntVariable() {
  flyteidl::core::Variable variable;
  variable.mutable_type()->set_simple(flyteidl::core::INTEGER);
  return variable;
}

TEST_CASE("launch plan inputs: required, defaulted and fixed") {
  flyteidl::core::VariableMap workflow;
  for (const char* name : {"a", "b", "c"}) (*workflow.mutable_variables())[name] = IntVariable();
  flyteidl::core::ParameterMap defaults;
  auto& b = (*defaults.mutable_parameters())["b"];
  *b.mutable_var() = IntVariable();
  *b.mutable_default_() = IntLiteral(7);
  flyteidl::core::LiteralMap fixed;
  (*fixed.mutable_literals())["c"] = IntLiteral(1);

  auto expected = ExpectedInputs(workflow, defaults, fixed);
  REQUIRE(expected.ok());
  const auto& parameters = expected->parameters();
  CHECK(parameters.size() == 2);
  CHECK(parameters.at("a").required());
  CHECK(parameters.at("b").default_().scalar().primitive().integer() == 7);
  CHECK_FALSE(parameters.contains("c"));
}

TEST_CASE("launch plan inputs: names and types must match the workflow") {
  flyteidl::core::VariableMap workflow;
  (*workflow.mutable_variables())["a"] = IntVariable();
  flyteidl::core::LiteralMap unknown_fixed;
  (*unknown_fixed.mutable_literals())["zz"] = IntLiteral(1);
  auto fixed_error = ExpectedInputs(workflow, {}, unknown_fixed);
  CHECK(absl::IsInvalidArgument(fixed_error.status()));
  CHECK(std::string(fixed_error.status().message()).find("\"zz\"") != std::string::npos);

  flyteidl::core::ParameterMap wrong_type;
  auto& a = (*wrong_type.mutable_parameters())["a"];
  a.mutable_var()->mutable_type()->set_simple(flyteidl::core::STRING);
  CHECK(absl::IsInvalidArgument(ExpectedInputs(workflow, wrong_type, {}).status()));

  flyteidl::core::ParameterMap both;
  *(*both.mutable_parameters())["a"].mutable_var() = IntVariable();
  flyteidl::core::LiteralMap fixed_a;
  (*fixed_a.mutable_literals())["a"] = IntLiteral(1);
  CHECK(absl::IsInvalidArgument(ExpectedInputs(workflow, both, fixed_a).status()));
}

}  // namespace
}  // namespace flyte::admin
