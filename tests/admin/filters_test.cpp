#include "admin/filters.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace flyte::admin {
namespace {

// Roughly what ListExecutions allows: identifier columns are renamed as in flyteadmin, and the
// launch plan is reachable through a join.
ColumnMap ExecutionColumns() {
  ColumnMap columns = WithEntityPrefix(
      "execution", {
                       {"project", TextColumn("execution_project")},
                       {"name", TextColumn("execution_name")},
                       {"phase", TextColumn("phase")},
                       {"created_at", TimestampColumn("created_at")},
                       {"duration", DurationColumn("duration_ms")},
                       {"attempt", IntegerColumn("attempt")},
                       {"state", EnumColumn("state", {{"EXECUTION_ACTIVE", 0}, {"EXECUTION_ARCHIVED", 1}})},
                   });
  columns.emplace("launch_plan.name", TextColumn("lp.name"));
  return columns;
}

std::vector<Filter> MustParse(std::string_view expression) {
  StatusOr<std::vector<Filter>> filters = ParseFilters(expression);
  REQUIRE_MESSAGE(filters.ok(), filters.status().ToString());
  return *filters;
}

SqlPredicate MustSql(std::string_view expression) {
  StatusOr<SqlPredicate> sql = ToSql(MustParse(expression), ExecutionColumns());
  REQUIRE_MESSAGE(sql.ok(), sql.status().ToString());
  return *sql;
}

Status SqlError(std::string_view expression) {
  StatusOr<SqlPredicate> sql = ToSql(MustParse(expression), ExecutionColumns());
  REQUIRE_FALSE(sql.ok());
  return sql.status();
}

void CheckInvalid(const Status& status, std::string_view mentions) {
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  CHECK_MESSAGE(std::string(status.message()).find(mentions) != std::string::npos, status.ToString(),
                " should mention ", std::string(mentions));
}

using P = std::vector<SqlValue>;

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

TEST_CASE("ToSql: comparisons and column renames") {
  struct Case {
    std::string expression;
    std::string sql;
    P params;
  };
  const std::vector<Case> cases = {
      {"", "", {}},
      {"eq(name,foo)", "execution_name = ?", {std::string("foo")}},
      {"eq(execution.name,foo)", "execution_name = ?", {std::string("foo")}},
      {"ne(phase,FAILED)", "phase <> ?", {std::string("FAILED")}},
      {"gt(attempt,1)+gte(attempt,-2)+lt(attempt,+3)+lte(attempt,4)",
       "attempt > ? AND attempt >= ? AND attempt < ? AND attempt <= ?",
       {int64_t{1}, int64_t{-2}, int64_t{3}, int64_t{4}}},
      {"eq(launch_plan.name,daily)+eq(project,flytesnacks)",
       "lp.name = ? AND execution_project = ?",
       {std::string("daily"), std::string("flytesnacks")}},
      {"eq(state,EXECUTION_ARCHIVED)+ne(state,0)", "state = ? AND state <> ?", {int64_t{1}, int64_t{0}}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.expression);
    SqlPredicate sql = MustSql(c.expression);
    CHECK(sql.sql == c.sql);
    CHECK(sql.params == c.params);
  }
}

TEST_CASE("ToSql: contains and not_like are case-sensitive GLOBs, like flyteadmin's Postgres LIKE") {
  SqlPredicate sql = MustSql("contains(name,wf)+not_like(phase,RUN%)");
  CHECK(sql.sql == "execution_name GLOB ? AND phase NOT GLOB ?");
  CHECK(sql.params == P{std::string("*wf*"), std::string("RUN*")});

  // LIKE's '_' is one character; GLOB's own specials are literals; '\' escapes as in Postgres.
  sql = MustSql("not_like(name,a_b*c?[d]\\%)");
  CHECK(sql.params == P{std::string("a?b[*]c[?][[]d]%")});

  CheckInvalid(SqlError("contains(attempt,1)"), "'contains' needs a text field");
  CheckInvalid(SqlError("not_like(created_at,2024%)"), "'not_like' needs a text field");
}

TEST_CASE("ToSql: value_in lists") {
  SqlPredicate sql = MustSql("value_in(execution.phase,RUNNING;SUCCEEDED;FAILED)");
  CHECK(sql.sql == "phase IN (?, ?, ?)");
  CHECK(sql.params == P{std::string("RUNNING"), std::string("SUCCEEDED"), std::string("FAILED")});

  sql = MustSql("value_not_in(attempt,1;2)");
  CHECK(sql.sql == "attempt NOT IN (?, ?)");
  CHECK(sql.params == P{int64_t{1}, int64_t{2}});

  sql = MustSql("value_in(state,EXECUTION_ACTIVE)");
  CHECK(sql.sql == "state IN (?)");
  CHECK(sql.params == P{int64_t{0}});

  CheckInvalid(SqlError("value_in(attempt,1;x)"), "'x'");

  // Only code can build an empty list: it matches nothing / everything.
  const ColumnMap columns = ExecutionColumns();
  StatusOr<SqlPredicate> empty_in = ToSql({{FilterOp::kValueIn, "", "phase", {}}}, columns);
  REQUIRE(empty_in.ok());
  CHECK(empty_in->sql == "0 = 1");
  CHECK(empty_in->params.empty());
  StatusOr<SqlPredicate> empty_not_in = ToSql({{FilterOp::kValueNotIn, "", "phase", {}}}, columns);
  REQUIRE(empty_not_in.ok());
  CHECK(empty_not_in->sql == "1 = 1");

  CheckInvalid(ToSql({{FilterOp::kEq, "", "phase", {"a", "b"}}}, columns).status(), "takes exactly one value");
  CheckInvalid(ToSql({{FilterOp::kEq, "", "phase", {}}}, columns).status(), "takes exactly one value");
}

TEST_CASE("ToSql: unknown fields") {
  CheckInvalid(SqlError("eq(nmae,foo)"), "unknown field 'nmae'");
  // A foreign prefix never falls back to the listed entity's own column.
  CheckInvalid(SqlError("eq(task.name,foo)"), "unknown field 'task.name'");
  CheckInvalid(SqlError("eq(foo.bar,x)"), "unknown field 'foo.bar'");
  CheckInvalid(SqlError("eq(launch_plan.version,v1)"), "'eq(launch_plan.version,v1)'");
}

TEST_CASE("ToSql: integers and enums") {
  CheckInvalid(SqlError("eq(attempt,abc)"), "value 'abc' for field 'attempt' is not an integer");
  CheckInvalid(SqlError("eq(attempt,1.5)"), "'1.5'");
  CheckInvalid(SqlError("eq(attempt,99999999999999999999)"), "not an integer");
  CheckInvalid(SqlError("eq(attempt,+-1)"), "not an integer");
  CheckInvalid(SqlError("eq(state,ACTIVE)"), "one of EXECUTION_ACTIVE, EXECUTION_ARCHIVED");
  CheckInvalid(SqlError("eq(state,7)"), "'7'");
}

TEST_CASE("ToSql: timestamps become unix milliseconds") {
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
    SqlPredicate sql = MustSql("gte(created_at," + c.value + ")");
    CHECK(sql.sql == "created_at >= ?");
    CHECK(sql.params == P{c.millis});
  }
  CHECK(MustSql("gte(execution.created_at,2024-01-01T00:00:00Z)").params == P{int64_t{1704067200000}});
  for (std::string_view bad :
       {"2024-01-01", "yesterday", "2024-13-01T00:00:00Z", "1704067200000", "2024-01-01 00:00:00Z"}) {
    CAPTURE(bad);
    CheckInvalid(SqlError("gte(created_at," + std::string(bad) + ")"), "is not an RFC3339 timestamp");
  }
}

TEST_CASE("ToSql: durations are seconds or Go-style, stored as milliseconds") {
  struct Case {
    std::string value;
    int64_t millis;
  };
  const std::vector<Case> cases = {
      {"200", 200000}, {"1.5", 1500}, {"0", 0}, {"1m30s", 90000}, {"300ms", 300}, {"1.5h", 5400000},
  };
  for (const Case& c : cases) {
    CAPTURE(c.value);
    CHECK(MustSql("lt(duration," + c.value + ")").params == P{c.millis});
  }
  for (std::string_view bad : {"soon", "inf", "nan", "1x", "1e400"}) {
    CAPTURE(bad);
    CheckInvalid(SqlError("lt(duration," + std::string(bad) + ")"), "is not a duration");
  }
}

TEST_CASE("WithEntityPrefix keeps explicit entries") {
  ColumnMap columns = WithEntityPrefix(
      "task",
      {{"name", TextColumn("name")}, {"task.name", TextColumn("explicit")}, {"workflow.name", TextColumn("wf.name")}});
  CHECK(columns.at("task.name").sql_name == "explicit");
  CHECK(columns.count("task.workflow.name") == 0);
  CHECK(columns.size() == 3);
}

TEST_CASE("OrderBy") {
  const ColumnMap columns = ExecutionColumns();
  CHECK(*OrderBy("created_at", false, columns) == "ORDER BY created_at DESC");
  CHECK(*OrderBy("name", true, columns) == "ORDER BY execution_name ASC");
  StatusOr<std::string> bad = OrderBy("created_at; DROP TABLE executions", true, columns);
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
