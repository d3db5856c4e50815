#include "admin/filters.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace flyte::admin {
namespace {

using store::Predicate;

// Roughly what ListExecutions allows; the launch plan is reachable through a join.
ColumnMap FilterTestColumns() {
  ColumnMap columns = WithEntityPrefix(
      "execution",
      {
          {"project", TextColumn(store::Column::kProject)},
          {"name", TextColumn(store::Column::kName)},
          {"phase", TextColumn(store::Column::kPhase)},
          {"created_at", TimestampColumn(store::Column::kCreatedAt)},
          {"duration", DurationColumn(store::Column::kDuration)},
          {"attempt", IntegerColumn(store::Column::kRetryAttempt)},
          {"state", EnumColumn(store::Column::kArchived, {{"EXECUTION_ACTIVE", 0}, {"EXECUTION_ARCHIVED", 1}})},
      });
  columns.emplace("launch_plan.name", TextColumn(store::Column::kLaunchPlanName));
  return columns;
}

std::vector<Filter> MustParse(std::string_view expression) {
  StatusOr<std::vector<Filter>> filters = ParseFilters(expression);
  REQUIRE_MESSAGE(filters.ok(), filters.status().ToString());
  return *filters;
}

std::vector<Predicate> MustPredicates(std::string_view expression) {
  StatusOr<std::vector<Predicate>> predicates = ToPredicates(MustParse(expression), FilterTestColumns());
  REQUIRE_MESSAGE(predicates.ok(), predicates.status().ToString());
  return *predicates;
}

Status PredicateError(std::string_view expression) {
  StatusOr<std::vector<Predicate>> predicates = ToPredicates(MustParse(expression), FilterTestColumns());
  REQUIRE_FALSE(predicates.ok());
  return predicates.status();
}

void CheckInvalid(const Status& status, std::string_view mentions) {
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  CHECK_MESSAGE(std::string(status.message()).find(mentions) != std::string::npos, status.ToString(),
                " should mention ", std::string(mentions));
}

using P = std::vector<store::Value>;

TEST_CASE("ParseFilters: good expressions") {
  struct Case {
    std::string expression;
    std::vector<Filter> expected;
  };
  const std::vector<Case> cases = {
      {"", {}},
      {"eq(name,foo)", {{FilterOp::kEq, "", "name", {"foo"}}}},
      {"eq(name, foo)", {{FilterOp::kEq, "", "name", {"foo"}}}},
      {"eq(name,  foo)", {{FilterOp::kEq, "", "name", {" foo"}}}},  // flyteadmin drops one space only
      {"ne(version,v1)", {{FilterOp::kNe, "", "version", {"v1"}}}},
      {"gt(attempt,1)+gte(created_at,2024-01-01T00:00:00Z)+lt(attempt,5)+lte(duration,60)",
       {{FilterOp::kGt, "", "attempt", {"1"}},
        {FilterOp::kGte, "", "created_at", {"2024-01-01T00:00:00Z"}},
        {FilterOp::kLt, "", "attempt", {"5"}},
        {FilterOp::kLte, "", "duration", {"60"}}}},
      {"contains(name,flyte)+not_like(name,%tmp%)",
       {{FilterOp::kContains, "", "name", {"flyte"}}, {FilterOp::kNotLike, "", "name", {"%tmp%"}}}},
      {"value_in(execution.phase,RUNNING;SUCCEEDED)",
       {{FilterOp::kValueIn, "execution", "phase", {"RUNNING", "SUCCEEDED"}}}},
      {"value_not_in(phase,FAILED)", {{FilterOp::kValueNotIn, "", "phase", {"FAILED"}}}},
      {"value_in(phase,a;)", {{FilterOp::kValueIn, "", "phase", {"a", ""}}}},
      {"eq(launch_plan.name,lp)+eq(task.name,t)+eq(named_entity_metadata.state,0)",
       {{FilterOp::kEq, "launch_plan", "name", {"lp"}},
        {FilterOp::kEq, "task", "name", {"t"}},
        {FilterOp::kEq, "named_entity_metadata", "state", {"0"}}}},
      // Only flyteadmin's entity names are prefixes; "execution_tag." is not "execution." + "_tag".
      {"eq(execution_tag.key,k)+eq(foo.bar,x)",
       {{FilterOp::kEq, "execution_tag", "key", {"k"}}, {FilterOp::kEq, "", "foo.bar", {"x"}}}},
      // Values may hold commas (flytectl unescapes "\,") and parentheses.
      {"eq(name,a,b)+contains(name,f(x))",
       {{FilterOp::kEq, "", "name", {"a,b"}}, {FilterOp::kContains, "", "name", {"f(x)"}}}},
      // '+' splits terms only outside parentheses: offsets and values keep theirs.
      {"gte(created_at,2024-01-01T02:00:00+02:00)+eq(name,a+b)",
       {{FilterOp::kGte, "", "created_at", {"2024-01-01T02:00:00+02:00"}}, {FilterOp::kEq, "", "name", {"a+b"}}}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.expression);
    CHECK(MustParse(c.expression) == c.expected);
  }
}

TEST_CASE("ParseFilters: bad syntax names the bad piece") {
  struct Case {
    std::string expression;
    std::string mentions;
  };
  const std::vector<Case> cases = {
      {"eq(name,foo", "missing closing ')'"},
      {"eq(name,foo", "'eq(name,foo'"},
      {"eq name,foo)", "missing '('"},
      {"eq(name foo)", "missing ','"},
      {"eq(,foo)", "empty field"},
      {"eq(name,)", "empty value"},
      {"eq()", "missing ','"},
      {"eq(", "missing closing ')'"},
      {"(name,foo)", "missing operator"},
      {"equals(name,foo)", "unknown operator 'equals'"},
      {"EQ(name,foo)", "unknown operator 'EQ'"},
      {"eq(name,foo)+", "empty term"},
      {"eq(a,b)++eq(c,d)", "empty term"},
      {"eq(name,foo))", "unexpected text after ')'"},
      {")eq(name,foo)", "unbalanced ')'"},
      {"eq(name,foo)x", "unexpected text after ')'"},
      {"eq(name,foo+eq(a,b)", "missing closing ')'"},
      {"eq(a,b)eq(c,d)", "unexpected text after ')'"},
      {"eq(name,foo)+bogus(x,y)", "'bogus(x,y)'"},
      {"eq((name,foo)", "missing closing ')'"},
      {"eq((name),foo)", "invalid field name '(name)'"},
      {"eq( name,foo)", "invalid field name ' name'"},
      {"eq(name,a;b)", "'eq' takes one value"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.expression);
    StatusOr<std::vector<Filter>> filters = ParseFilters(c.expression);
    REQUIRE_FALSE(filters.ok());
    CheckInvalid(filters.status(), c.mentions);
  }
}

TEST_CASE("FormatFilter round-trips") {
  for (std::string_view text : {"eq(name,foo)", "value_in(execution.phase,RUNNING;FAILED)", "not_like(foo.bar,x%)"}) {
    std::vector<Filter> filters = MustParse(text);
    REQUIRE(filters.size() == 1);
    CHECK(FormatFilter(filters[0]) == text);
  }
}

TEST_CASE("ToPredicates: operators and the store columns behind field names") {
  struct Case {
    std::string expression;
    std::vector<Predicate> predicates;
  };
  const std::vector<Case> cases = {
      {"", {}},
      {"eq(name,foo)", {{store::Column::kName, FilterOp::kEq, {std::string("foo")}}}},
      {"eq(execution.name,foo)", {{store::Column::kName, FilterOp::kEq, {std::string("foo")}}}},
      {"ne(phase,FAILED)", {{store::Column::kPhase, FilterOp::kNe, {std::string("FAILED")}}}},
      {"gt(attempt,1)+gte(attempt,-2)+lt(attempt,+3)+lte(attempt,4)",
       {{store::Column::kRetryAttempt, FilterOp::kGt, {int64_t{1}}},
        {store::Column::kRetryAttempt, FilterOp::kGte, {int64_t{-2}}},
        {store::Column::kRetryAttempt, FilterOp::kLt, {int64_t{3}}},
        {store::Column::kRetryAttempt, FilterOp::kLte, {int64_t{4}}}}},
      {"eq(launch_plan.name,daily)+eq(project,flytesnacks)",
       {{store::Column::kLaunchPlanName, FilterOp::kEq, {std::string("daily")}},
        {store::Column::kProject, FilterOp::kEq, {std::string("flytesnacks")}}}},
      {"eq(state,EXECUTION_ARCHIVED)+ne(state,0)",
       {{store::Column::kArchived, FilterOp::kEq, {int64_t{1}}},
        {store::Column::kArchived, FilterOp::kNe, {int64_t{0}}}}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.expression);
    CHECK(MustPredicates(c.expression) == c.predicates);
  }
}

// The store turns the patterns into case-sensitive GLOBs (tests/store/sql_query_test.cpp).
TEST_CASE("ToPredicates: contains and not_like pass their text as written, on text fields only") {
  CHECK(MustPredicates("contains(name,wf)+not_like(phase,RUN%)") ==
        std::vector<Predicate>{{store::Column::kName, FilterOp::kContains, {std::string("wf")}},
                               {store::Column::kPhase, FilterOp::kNotLike, {std::string("RUN%")}}});
  CHECK(MustPredicates("not_like(name,a_b*c?[d]\\%)")[0].values == P{std::string("a_b*c?[d]\\%")});

  CheckInvalid(PredicateError("contains(attempt,1)"), "'contains' needs a text field");
  CheckInvalid(PredicateError("not_like(created_at,2024%)"), "'not_like' needs a text field");
}

TEST_CASE("ToPredicates: value_in lists") {
  CHECK(MustPredicates("value_in(execution.phase,RUNNING;SUCCEEDED;FAILED)") ==
        std::vector<Predicate>{{store::Column::kPhase,
                                FilterOp::kValueIn,
                                {std::string("RUNNING"), std::string("SUCCEEDED"), std::string("FAILED")}}});
  CHECK(MustPredicates("value_not_in(attempt,1;2)") ==
        std::vector<Predicate>{{store::Column::kRetryAttempt, FilterOp::kValueNotIn, {int64_t{1}, int64_t{2}}}});
  CHECK(MustPredicates("value_in(state,EXECUTION_ACTIVE)") ==
        std::vector<Predicate>{{store::Column::kArchived, FilterOp::kValueIn, {int64_t{0}}}});

  CheckInvalid(PredicateError("value_in(attempt,1;x)"), "'x'");

  // Only code can build an empty list; it reaches the store empty (which matches nothing /
  // everything, see tests/store/sql_query_test.cpp).
  const ColumnMap columns = FilterTestColumns();
  StatusOr<std::vector<Predicate>> empty_in = ToPredicates({{FilterOp::kValueIn, "", "phase", {}}}, columns);
  REQUIRE(empty_in.ok());
  CHECK(*empty_in == std::vector<Predicate>{{store::Column::kPhase, FilterOp::kValueIn, {}}});
  StatusOr<std::vector<Predicate>> empty_not_in = ToPredicates({{FilterOp::kValueNotIn, "", "phase", {}}}, columns);
  REQUIRE(empty_not_in.ok());
  CHECK(*empty_not_in == std::vector<Predicate>{{store::Column::kPhase, FilterOp::kValueNotIn, {}}});

  CheckInvalid(ToPredicates({{FilterOp::kEq, "", "phase", {"a", "b"}}}, columns).status(), "takes exactly one value");
  CheckInvalid(ToPredicates({{FilterOp::kEq, "", "phase", {}}}, columns).status(), "takes exactly one value");
}

TEST_CASE("ToPredicates: unknown fields") {
  CheckInvalid(PredicateError("eq(nmae,foo)"), "unknown field 'nmae'");
  // A foreign prefix never falls back to the listed entity's own column.
  CheckInvalid(PredicateError("eq(task.name,foo)"), "unknown field 'task.name'");
  CheckInvalid(PredicateError("eq(foo.bar,x)"), "unknown field 'foo.bar'");
  CheckInvalid(PredicateError("eq(launch_plan.version,v1)"), "'eq(launch_plan.version,v1)'");
}

TEST_CASE("ToPredicates: integers and enums") {
  CheckInvalid(PredicateError("eq(attempt,abc)"), "value 'abc' for field 'attempt' is not an integer");
  CheckInvalid(PredicateError("eq(attempt,1.5)"), "'1.5'");
  CheckInvalid(PredicateError("eq(attempt,99999999999999999999)"), "not an integer");
  CheckInvalid(PredicateError("eq(attempt,+-1)"), "not an integer");
  CheckInvalid(PredicateError("eq(state,ACTIVE)"), "one of EXECUTION_ACTIVE, EXECUTION_ARCHIVED");
  CheckInvalid(PredicateError("eq(state,7)"), "'7'");
}

TEST_CASE("ToPredicates: timestamps become unix milliseconds") {
  struct Case {
    std::string value;
    int64_t millis;
  };
  const std::vector<Case> cases = {
      {"2024-01-01T00:00:00Z", 1704067200000},
      {"2024-01-01T00:00:00.123Z", 1704067200123},
      {"2024-01-01T00:00:00.123999999Z", 1704067200123},  // store keeps milliseconds
      {"2024-01-01T02:00:00+02:00", 1704067200000},
      {"2023-12-31T19:00:00-05:00", 1704067200000},
      {"1969-12-31T23:59:59.9995Z", -1},  // rounded toward the past
  };
  for (const Case& c : cases) {
    CAPTURE(c.value);
    CHECK(MustPredicates("gte(created_at," + c.value + ")") ==
          std::vector<Predicate>{{store::Column::kCreatedAt, FilterOp::kGte, {c.millis}}});
  }
  CHECK(MustPredicates("gte(execution.created_at,2024-01-01T00:00:00Z)")[0].values == P{int64_t{1704067200000}});
  for (std::string_view bad :
       {"2024-01-01", "yesterday", "2024-13-01T00:00:00Z", "1704067200000", "2024-01-01 00:00:00Z"}) {
    CAPTURE(bad);
    CheckInvalid(PredicateError("gte(created_at," + std::string(bad) + ")"), "is not an RFC3339 timestamp");
  }
}

TEST_CASE("ToPredicates: durations are seconds or Go-style, stored as milliseconds") {
  struct Case {
    std::string value;
    int64_t millis;
  };
  const std::vector<Case> cases = {
      {"200", 200000}, {"1.5", 1500}, {"0", 0}, {"1m30s", 90000}, {"300ms", 300}, {"1.5h", 5400000},
  };
  for (const Case& c : cases) {
    CAPTURE(c.value);
    CHECK(MustPredicates("lt(duration," + c.value + ")")[0].values == P{c.millis});
  }
  for (std::string_view bad : {"soon", "inf", "nan", "1x", "1e400"}) {
    CAPTURE(bad);
    CheckInvalid(PredicateError("lt(duration," + std::string(bad) + ")"), "is not a duration");
  }
}

TEST_CASE("WithEntityPrefix keeps explicit entries") {
  ColumnMap columns = WithEntityPrefix("task", {{"name", TextColumn(store::Column::kName)},
                                                {"task.name", TextColumn(store::Column::kTaskName)},
                                                {"workflow.name", TextColumn(store::Column::kWorkflowName)}});
  CHECK(columns.at("task.name").store_column == store::Column::kTaskName);
  CHECK(columns.count("task.workflow.name") == 0);
  CHECK(columns.size() == 3);
}

TEST_CASE("SortKeyOf") {
  const ColumnMap columns = FilterTestColumns();
  CHECK(*SortKeyOf("created_at", false, columns) == store::Descending(store::Column::kCreatedAt));
  CHECK(*SortKeyOf("name", true, columns) == store::Ascending(store::Column::kName));
  StatusOr<store::SortKey> bad = SortKeyOf("created_at; DROP TABLE executions", true, columns);
  REQUIRE_FALSE(bad.ok());
  CheckInvalid(bad.status(), "invalid sort key 'created_at; DROP TABLE executions'");
}

TEST_CASE("Pagination tokens") {
  CHECK(*ParseToken("") == 0);
  CHECK(*ParseToken("0") == 0);
  CHECK(*ParseToken("100") == 100);
  CHECK(*ParseToken("+5") == 5);  // strconv.Atoi accepts it
  for (std::string_view bad : {"-1", "abc", "1.5", " 1", "1 ", "99999999999999999999"}) {
    CAPTURE(bad);
    StatusOr<int64_t> token = ParseToken(bad);
    REQUIRE_FALSE(token.ok());
    CheckInvalid(token.status(), "invalid pagination token '" + std::string(bad) + "'");
  }
  CHECK(NextToken(0, 100, 100) == "100");
  CHECK(NextToken(200, 100, 100) == "300");
  CHECK(NextToken(200, 100, 99) == "");
  CHECK(NextToken(0, 100, 0) == "");
  CHECK(NextToken(0, 0, 0) == "");
}

}  // namespace
}  // namespace flyte::admin
