#include "engine/branch_eval.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "fakes/text_proto.h"

namespace flyte::engine {
namespace {

namespace core = flyteidl::core;

// The branch node's inputs: one variable of each kind the cases compare.
core::LiteralMap Inputs() {
  return testing::ParseText<core::LiteralMap>(R"pb(
    literals {
      key: "i"
      value { scalar { primitive { integer: 5 } } }
    }
    literals {
      key: "i2"
      value { scalar { primitive { integer: 5 } } }
    }
    literals {
      key: "f"
      value { scalar { primitive { float_value: 2.5 } } }
    }
    literals {
      key: "s"
      value { scalar { primitive { string_value: "abc" } } }
    }
    literals {
      key: "b"
      value { scalar { primitive { boolean: true } } }
    }
    literals {
      key: "dt"
      value { scalar { primitive { datetime { seconds: 100 nanos: 5 } } } }
    }
    literals {
      key: "du"
      value { scalar { primitive { duration { seconds: 60 } } } }
    }
    literals {
      key: "none"
      value { scalar { none_type {} } }
    }
    literals {
      key: "opt_none"
      value {
        scalar {
          union {
            value { scalar { none_type {} } }
            type { simple: NONE }
          }
        }
      }
    }
    literals {
      key: "opt_int"
      value {
        scalar {
          union {
            value { scalar { primitive { integer: 5 } } }
            type { simple: INTEGER }
          }
        }
      }
    }
    literals {
      key: "lst"
      value { collection { literals { scalar { primitive { integer: 1 } } } } }
    }
    literals {
      key: "blob"
      value { scalar { blob { uri: "s3://x" } } }
    }
  )pb");
}

// `var OP literal` / `var OP var` in text format.
std::string Var(const std::string& name) { return "{ var: \"" + name + "\" }"; }
std::string Prim(const std::string& primitive) { return "{ primitive { " + primitive + " } }"; }
std::string NoneOperand() { return "{ scalar { none_type {} } }"; }
std::string Cmp(const std::string& op, const std::string& left, const std::string& right) {
  return "comparison { operator: " + op + " left_value " + left + " right_value " + right + " }";
}
std::string Conj(const std::string& op, const std::string& left, const std::string& right) {
  return "conjunction { operator: " + op + " left_expression { " + left + " } right_expression { " + right + " } }";
}

struct ExpressionCase {
  std::string name;
  std::string expression;
  std::optional<bool> want;  // nullopt: INVALID_ARGUMENT expected
  std::string error = "";
};

void RunCases(const std::vector<ExpressionCase>& cases) {
  const core::LiteralMap inputs = Inputs();
  for (const ExpressionCase& c : cases) {
    CAPTURE(c.name);
    StatusOr<bool> got = EvaluateBooleanExpression(testing::ParseText<core::BooleanExpression>(c.expression), inputs);
    if (c.want) {
      REQUIRE_MESSAGE(got.ok(), got.status().ToString());
      CHECK(*got == *c.want);
    } else {
      REQUIRE_FALSE(got.ok());
      CHECK(got.status().code() == absl::StatusCode::kInvalidArgument);
      CHECK_MESSAGE(std::string(got.status().message()).find(c.error) != std::string::npos,
                    std::string(got.status().message()));
    }
  }
}

TEST_CASE("comparisons follow propeller's comparator") {
  const std::string five = Prim("integer: 5");
  const std::string three = Prim("integer: 3");
  RunCases({
      // integers
      {"int EQ", Cmp("EQ", Var("i"), five), true},
      {"int EQ false", Cmp("EQ", Var("i"), three), false},
      {"int NEQ", Cmp("NEQ", Var("i"), five), false},
      {"int NEQ true", Cmp("NEQ", Var("i"), three), true},
      {"int GT", Cmp("GT", Var("i"), three), true},
      {"int GT equal", Cmp("GT", Var("i"), five), false},
      {"int GTE equal", Cmp("GTE", Var("i"), five), true},
      {"int GTE less", Cmp("GTE", Var("i"), Prim("integer: 6")), false},
      {"int LT", Cmp("LT", Var("i"), three), false},
      {"int LT true", Cmp("LT", Var("i"), Prim("integer: 6")), true},
      {"int LTE equal", Cmp("LTE", Var("i"), five), true},
      {"int LTE greater", Cmp("LTE", Var("i"), three), false},
      {"literal on the left", Cmp("LT", three, Var("i")), true},
      {"two literals", Cmp("GT", five, three), true},
      {"two vars", Cmp("EQ", Var("i"), Var("i2")), true},
      // floats
      {"float EQ", Cmp("EQ", Var("f"), Prim("float_value: 2.5")), true},
      {"float NEQ", Cmp("NEQ", Var("f"), Prim("float_value: 2.5")), false},
      {"float GT", Cmp("GT", Var("f"), Prim("float_value: 1.0")), true},
      {"float GTE", Cmp("GTE", Var("f"), Prim("float_value: 3.0")), false},
      {"float LT", Cmp("LT", Var("f"), Prim("float_value: 3.0")), true},
      {"float LTE", Cmp("LTE", Var("f"), Prim("float_value: 2.5")), true},
      // strings (byte-wise order)
      {"string EQ", Cmp("EQ", Var("s"), Prim("string_value: \"abc\"")), true},
      {"string NEQ", Cmp("NEQ", Var("s"), Prim("string_value: \"abd\"")), true},
      {"string LT", Cmp("LT", Var("s"), Prim("string_value: \"abd\"")), true},
      {"string LTE", Cmp("LTE", Var("s"), Prim("string_value: \"ab\"")), false},
      {"string GT", Cmp("GT", Var("s"), Prim("string_value: \"ab\"")), true},
      {"string GTE", Cmp("GTE", Var("s"), Prim("string_value: \"b\"")), false},
      // booleans: equality only
      {"bool EQ", Cmp("EQ", Var("b"), Prim("boolean: true")), true},
      {"bool NEQ", Cmp("NEQ", Var("b"), Prim("boolean: false")), true},
      {"bool GT", Cmp("GT", Var("b"), Prim("boolean: false")), std::nullopt, "[GT] not defined for boolean"},
      {"bool GTE", Cmp("GTE", Var("b"), Prim("boolean: false")), std::nullopt, "[GTE] not defined for boolean"},
      {"bool LT", Cmp("LT", Var("b"), Prim("boolean: false")), std::nullopt, "[LT] not defined for boolean"},
      {"bool LTE", Cmp("LTE", Var("b"), Prim("boolean: false")), std::nullopt, "[LTE] not defined for boolean"},
      // datetimes and durations: whole seconds, as propeller
      {"datetime EQ ignores nanos", Cmp("EQ", Var("dt"), Prim("datetime { seconds: 100 nanos: 999 }")), true},
      {"datetime GT", Cmp("GT", Var("dt"), Prim("datetime { seconds: 99 }")), true},
      {"datetime LT", Cmp("LT", Var("dt"), Prim("datetime { seconds: 101 }")), true},
      {"datetime NEQ", Cmp("NEQ", Var("dt"), Prim("datetime { seconds: 101 }")), true},
      {"duration GTE", Cmp("GTE", Var("du"), Prim("duration { seconds: 60 }")), true},
      {"duration LT", Cmp("LT", Var("du"), Prim("duration { seconds: 61 }")), true},
      {"duration LTE", Cmp("LTE", Var("du"), Prim("duration { seconds: 59 }")), false},
      // incomparable operands
      {"int vs float", Cmp("GT", Var("i"), Prim("float_value: 3.0")), std::nullopt, "different primitive types"},
      {"int var vs float var", Cmp("EQ", Var("i"), Var("f")), std::nullopt, "integer and float"},
      {"string vs int", Cmp("EQ", Var("s"), five), std::nullopt, "different primitive types"},
      {"collection var", Cmp("EQ", Var("lst"), five), std::nullopt, "LHS variable [lst] is non primitive"},
      {"blob var", Cmp("EQ", five, Var("blob")), std::nullopt, "RHS variable [blob] is non primitive"},
      {"missing var", Cmp("EQ", Var("nope"), five), std::nullopt, "Failed to find value for variable [nope]"},
      {"empty operand", Cmp("EQ", "{}", five), std::nullopt, "LHS operand is empty"},
      {"empty primitives", Cmp("EQ", Prim(""), Prim("")), std::nullopt, "empty primitive"},
      {"non-none scalar operand", Cmp("EQ", Var("i"), "{ scalar { blob { uri: \"x\" } } }"), std::nullopt,
       "RHS operand is non primitive"},
      {"empty expression", "", std::nullopt, "No Comparison or Conjunction"},
  });
}

TEST_CASE("none operands (flytekit is_none) and union-wrapped vars") {
  RunCases({
      {"none is none", Cmp("EQ", Var("none"), NoneOperand()), true},
      {"none is not not-none", Cmp("NEQ", Var("none"), NoneOperand()), false},
      {"optional holding none", Cmp("EQ", Var("opt_none"), NoneOperand()), true},
      {"optional holding a value", Cmp("EQ", Var("opt_int"), NoneOperand()), false},
      {"optional holding a value NEQ", Cmp("NEQ", Var("opt_int"), NoneOperand()), true},
      {"plain value", Cmp("EQ", Var("i"), NoneOperand()), false},
      {"none on the left", Cmp("NEQ", NoneOperand(), Var("s")), true},
      {"none literal vs none literal", Cmp("EQ", NoneOperand(), NoneOperand()), true},
      {"ordering against none", Cmp("GT", Var("none"), NoneOperand()), std::nullopt, "[GT] not defined for none"},
      {"ordering value against none", Cmp("LTE", Var("i"), NoneOperand()), std::nullopt, "[LTE] not defined for none"},
      {"scalar primitive operand", Cmp("EQ", Var("i"), "{ scalar { primitive { integer: 5 } } }"), true},
      {"union var compares by value", Cmp("EQ", Var("opt_int"), Prim("integer: 5")), true},
      {"union var ordering", Cmp("GT", Var("opt_int"), Prim("integer: 4")), true},
      {"union var type mismatch", Cmp("GT", Var("opt_int"), Prim("float_value: 4")), std::nullopt,
       "different primitive types"},
  });
}

TEST_CASE("conjunctions short-circuit") {
  const std::string yes = Cmp("EQ", Var("i"), Prim("integer: 5"));
  const std::string no = Cmp("EQ", Var("i"), Prim("integer: 6"));
  const std::string bad = Cmp("EQ", Var("missing"), Prim("integer: 6"));
  RunCases({
      {"AND true true", Conj("AND", yes, yes), true},
      {"AND true false", Conj("AND", yes, no), false},
      {"AND false true", Conj("AND", no, yes), false},
      {"OR false true", Conj("OR", no, yes), true},
      {"OR true false", Conj("OR", yes, no), true},
      {"OR false false", Conj("OR", no, no), false},
      {"OR true skips the right side", Conj("OR", yes, bad), true},
      {"AND false skips the right side", Conj("AND", no, bad), false},
      {"AND true evaluates the right side", Conj("AND", yes, bad), std::nullopt, "[missing]"},
      {"OR false evaluates the right side", Conj("OR", no, bad), std::nullopt, "[missing]"},
      {"error on the left", Conj("OR", bad, yes), std::nullopt, "[missing]"},
      {"nested", Conj("AND", Conj("OR", no, yes), Conj("AND", yes, Conj("OR", yes, no))), true},
      {"empty side", Conj("AND", yes, ""), std::nullopt, "No Comparison or Conjunction"},
  });
}

TEST_CASE("an unknown operator is rejected") {
  core::BooleanExpression expression =
      testing::ParseText<core::BooleanExpression>(Cmp("EQ", Var("i"), Prim("integer: 5")));
  expression.mutable_comparison()->set_operator_(static_cast<core::ComparisonExpression::Operator>(42));
  StatusOr<bool> got = EvaluateBooleanExpression(expression, Inputs());
  REQUIRE_FALSE(got.ok());
  CHECK(got.status().code() == absl::StatusCode::kInvalidArgument);
}

// A compiled branch node: `case` i == <case_value>, `other`s i == 6 / i == 7, then `tail` (an else
// node or an error block, or nothing).
core::BranchNode Branch(const std::string& case_condition, const std::string& tail) {
  return testing::ParseText<core::BranchNode>(R"pb(
                                                if_else { case { condition {)pb" +
                                              case_condition + R"pb(}
                                                                    then_node { id: "b-n0" }
      }
      other {
        condition { )pb" + Cmp("EQ", Var("i"), Prim("integer: 6")) +
                                              R"pb(}
                                                   then_node { id: "b-n1" }
      }
      other {
        condition { )pb" + Cmp("EQ", Var("i"), Prim("integer: 5")) +
                                              R"pb(}
                                                   then_node { id: "b-n2" }
      }
      )pb" + tail + R"pb(
    })pb");
}

TEST_CASE("EvaluateBranch picks the first true case, then else / error") {
  const std::string matches = Cmp("EQ", Var("i"), Prim("integer: 5"));
  const std::string misses = Cmp("EQ", Var("i"), Prim("integer: 9"));
  const std::string broken = Cmp("EQ", Var("missing"), Prim("integer: 9"));
  const std::string else_node = R"pb(else_node { id: "b-n3" })pb";
  const std::string error = R"pb(error { failed_node_id: "b" message: "nothing matched" })pb";
  const std::string never = Cmp("EQ", Var("i"), Prim("integer: 100"));
  const core::LiteralMap inputs = Inputs();

  struct BranchCase {
    std::string name;
    core::BranchNode branch;
    std::string selected;
    std::vector<std::string> skipped;
    std::optional<std::string> error_message;
  };
  core::BranchNode none_match = Branch(misses, else_node);
  none_match.mutable_if_else()->mutable_other(1)->mutable_condition()->CopyFrom(
      testing::ParseText<core::BooleanExpression>(never));
  core::BranchNode error_taken = Branch(misses, error);
  error_taken.mutable_if_else()->mutable_other(1)->mutable_condition()->CopyFrom(
      testing::ParseText<core::BooleanExpression>(never));

  const std::vector<BranchCase> cases = {
      {"case taken", Branch(matches, else_node), "b-n0", {"b-n1", "b-n2", "b-n3"}, std::nullopt},
      {"case taken, no else", Branch(matches, ""), "b-n0", {"b-n1", "b-n2"}, std::nullopt},
      {"other taken", Branch(misses, else_node), "b-n2", {"b-n0", "b-n1", "b-n3"}, std::nullopt},
      {"else taken", none_match, "b-n3", {"b-n0", "b-n1", "b-n2"}, std::nullopt},
      {"error taken", error_taken, "", {"b-n0", "b-n1", "b-n2"}, "nothing matched"},
  };
  for (const BranchCase& c : cases) {
    CAPTURE(c.name);
    StatusOr<BranchDecision> got = EvaluateBranch(c.branch, inputs);
    REQUIRE_MESSAGE(got.ok(), got.status().ToString());
    CHECK(got->selected_node_id == c.selected);
    CHECK(got->skipped == c.skipped);
    REQUIRE(got->error.has_value() == c.error_message.has_value());
    if (c.error_message) {
      CHECK(got->error->message() == *c.error_message);
      CHECK(got->error->failed_node_id() == "b");
    }
  }

  SUBCASE("no branch satisfied") {
    core::BranchNode branch = Branch(misses, "");
    branch.mutable_if_else()->mutable_other(1)->mutable_condition()->CopyFrom(
        testing::ParseText<core::BooleanExpression>(never));
    StatusOr<BranchDecision> got = EvaluateBranch(branch, inputs);
    REQUIRE_FALSE(got.ok());
    CHECK(got.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK(std::string(got.status().message()) == "No branch satisfied");
  }
  SUBCASE("a case that cannot be evaluated fails the branch") {
    StatusOr<BranchDecision> got = EvaluateBranch(Branch(broken, else_node), inputs);
    REQUIRE_FALSE(got.ok());
    CHECK(got.status().code() == absl::StatusCode::kInvalidArgument);
  }
  SUBCASE("a broken case after the taken one is never evaluated") {
    core::BranchNode branch = Branch(matches, else_node);
    branch.mutable_if_else()->mutable_other(0)->mutable_condition()->CopyFrom(
        testing::ParseText<core::BooleanExpression>(broken));
    StatusOr<BranchDecision> got = EvaluateBranch(branch, inputs);
    REQUIRE(got.ok());
    CHECK(got->selected_node_id == "b-n0");
  }
  SUBCASE("a branch with only a case") {
    core::BranchNode branch = testing::ParseText<core::BranchNode>(R"pb(
      if_else {
        case {
          condition {
            comparison {
              operator: EQ
              left_value { var: "b" }
              right_value { primitive { boolean: true } }
            }
          }
          then_node { id: "b-n0" }
        }
      })pb");
    StatusOr<BranchDecision> got = EvaluateBranch(branch, inputs);
    REQUIRE(got.ok());
    CHECK(got->selected_node_id == "b-n0");
    CHECK(got->skipped.empty());
  }
}

}  // namespace
}  // namespace flyte::engine
