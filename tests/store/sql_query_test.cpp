#include "store/sql_query.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "fakes/temp_dir.h"
#include "store/store.h"

namespace flyte::store {
namespace {

// SQL names unlike the logical ones, to show that the list's own map decides them.
const ListColumns kTestList{"test rows",
                            {{Column::kProject, "execution_project"},
                             {Column::kName, "execution_name"},
                             {Column::kPhase, "phase"},
                             {Column::kCreatedAt, "created_at"},
                             {Column::kRetryAttempt, "attempt"},
                             {Column::kArchived, "state"},
                             {Column::kLaunchPlanName, "lp.name"}}};

constexpr const char* kSelect = "SELECT x FROM t WHERE 1";

using P = std::vector<Value>;

PagedSql MustPage(const ListQuery& query) {
  StatusOr<PagedSql> paged = Paged(kSelect, query, kTestList);
  REQUIRE_MESSAGE(paged.ok(), paged.status().ToString());
  return *paged;
}

// The WHERE terms generated for `where`, and their parameters without the page's two.
std::pair<std::string, P> Terms(const std::vector<Predicate>& where) {
  PagedSql paged = MustPage({where, {}, {}, 0});
  const std::string prefix = std::string(kSelect) + " AND (";
  const std::string suffix = ") LIMIT ? OFFSET ?";
  REQUIRE(paged.sql.size() >= prefix.size() + suffix.size());
  REQUIRE(paged.sql.substr(0, prefix.size()) == prefix);
  REQUIRE(paged.sql.substr(paged.sql.size() - suffix.size()) == suffix);
  paged.params.resize(paged.params.size() - 2);
  return {paged.sql.substr(prefix.size(), paged.sql.size() - prefix.size() - suffix.size()), paged.params};
}

void CheckInvalid(const Status& status, std::string_view mentions) {
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  CHECK_MESSAGE(std::string(status.message()).find(mentions) != std::string::npos, status.ToString(),
                " should mention ", std::string(mentions));
}

TEST_CASE("Paged: no predicates, no sort, every row") {
  PagedSql paged = MustPage({});
  CHECK(paged.sql == std::string(kSelect) + " LIMIT ? OFFSET ?");
  CHECK(paged.params == P{int64_t{-1}, int64_t{0}});  // SQLite: a negative limit is none
}

TEST_CASE("Paged: comparisons on the list's SQL columns") {
  struct Case {
    std::vector<Predicate> where;
    std::string sql;
    P params;
  };
  const std::vector<Case> cases = {
      {{{Column::kName, Op::kEq, {std::string("foo")}}}, "execution_name = ?", {std::string("foo")}},
      {{{Column::kPhase, Op::kNe, {std::string("FAILED")}}}, "phase <> ?", {std::string("FAILED")}},
      {{{Column::kRetryAttempt, Op::kGt, {int64_t{1}}},
        {Column::kRetryAttempt, Op::kGte, {int64_t{-2}}},
        {Column::kRetryAttempt, Op::kLt, {int64_t{3}}},
        {Column::kRetryAttempt, Op::kLte, {int64_t{4}}}},
       "attempt > ? AND attempt >= ? AND attempt < ? AND attempt <= ?",
       {int64_t{1}, int64_t{-2}, int64_t{3}, int64_t{4}}},
      {{{Column::kLaunchPlanName, Op::kEq, {std::string("daily")}},
        {Column::kProject, Op::kEq, {std::string("flytesnacks")}}},
       "lp.name = ? AND execution_project = ?",
       {std::string("daily"), std::string("flytesnacks")}},
      {{{Column::kArchived, Op::kEq, {int64_t{1}}}, {Column::kArchived, Op::kNe, {int64_t{0}}}},
       "state = ? AND state <> ?",
       {int64_t{1}, int64_t{0}}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.sql);
    auto [sql, params] = Terms(c.where);
    CHECK(sql == c.sql);
    CHECK(params == c.params);
  }
}

TEST_CASE("Paged: contains and not_like are case-sensitive GLOBs, like flyteadmin's Postgres LIKE") {
  auto [sql, params] = Terms(
      {{Column::kName, Op::kContains, {std::string("wf")}}, {Column::kPhase, Op::kNotLike, {std::string("RUN%")}}});
  CHECK(sql == "execution_name GLOB ? AND phase NOT GLOB ?");
  CHECK(params == P{std::string("*wf*"), std::string("RUN*")});

  // LIKE's '_' is one character; GLOB's own specials are literals; '\' escapes as in Postgres.
  CHECK(LikeToGlob("a_b*c?[d]\\%") == "a?b[*]c[?][[]d]%");
  CHECK(Terms({{Column::kName, Op::kNotLike, {std::string("a_b*c?[d]\\%")}}}).second ==
        P{std::string("a?b[*]c[?][[]d]%")});
}

TEST_CASE("Paged: value_in lists") {
  auto [in_sql, in_params] = Terms(
      {{Column::kPhase, Op::kValueIn, {std::string("RUNNING"), std::string("SUCCEEDED"), std::string("FAILED")}}});
  CHECK(in_sql == "phase IN (?, ?, ?)");
  CHECK(in_params == P{std::string("RUNNING"), std::string("SUCCEEDED"), std::string("FAILED")});

  auto [not_in_sql, not_in_params] = Terms({{Column::kRetryAttempt, Op::kValueNotIn, {int64_t{1}, int64_t{2}}}});
  CHECK(not_in_sql == "attempt NOT IN (?, ?)");
  CHECK(not_in_params == P{int64_t{1}, int64_t{2}});

  CHECK(Terms({{Column::kArchived, Op::kValueIn, {int64_t{0}}}}).first == "state IN (?)");

  // An empty list matches nothing / everything.
  auto [empty_in, empty_in_params] = Terms({{Column::kPhase, Op::kValueIn, {}}});
  CHECK(empty_in == "0 = 1");
  CHECK(empty_in_params.empty());
  CHECK(Terms({{Column::kPhase, Op::kValueNotIn, {}}}).first == "1 = 1");
}

TEST_CASE("Paged: a set column's term holds when one member of the row's set meets it") {
  const ListColumns tagged{
      "tagged rows", {{Column::kName, "name"}}, {{Column::kTagKey, {"tags t WHERE t.row = name", "t.key"}}}};
  StatusOr<PagedSql> paged = Paged(kSelect,
                                   {{{Column::kTagKey, Op::kValueIn, {std::string("a"), std::string("b")}},
                                     {Column::kName, Op::kEq, {std::string("x")}}}},
                                   tagged);
  REQUIRE(paged.ok());
  CHECK(paged->sql == std::string(kSelect) +
                          " AND (EXISTS (SELECT 1 FROM tags t WHERE t.row = name AND t.key IN (?, ?)) AND name = ?)"
                          " LIMIT ? OFFSET ?");
  CHECK(paged->params == P{std::string("a"), std::string("b"), std::string("x"), int64_t{-1}, int64_t{0}});
  // Filters only: a set has no order of its own.
  CheckInvalid(Paged(kSelect, {{}, {Ascending(Column::kTagKey)}, {}, 0}, tagged).status(), "tag_key");
}

TEST_CASE("Paged: sort keys in order, and the page as parameters") {
  PagedSql paged = MustPage({{{Column::kName, Op::kEq, {std::string("a")}}},
                             {Descending(Column::kCreatedAt), Ascending(Column::kName)},
                             20,
                             40});
  CHECK(paged.sql == std::string(kSelect) +
                         " AND (execution_name = ?) ORDER BY created_at DESC, execution_name ASC LIMIT ? OFFSET ?");
  CHECK(paged.params == P{std::string("a"), int64_t{20}, int64_t{40}});
}

TEST_CASE("Paged: a column the list does not have, or a malformed predicate, is INVALID_ARGUMENT") {
  CheckInvalid(Paged(kSelect, {{{Column::kNodeId, Op::kEq, {std::string("n0")}}}}, kTestList).status(),
               "test rows have no column 'node_id'");
  CheckInvalid(Paged(kSelect, {{}, {Ascending(Column::kSignalId)}}, kTestList).status(),
               "test rows have no column 'signal_id'");
  CheckInvalid(Paged(kSelect, {{{Column::kName, Op::kEq, {std::string("a"), std::string("b")}}}}, kTestList).status(),
               "takes exactly one value");
  CheckInvalid(Paged(kSelect, {{{Column::kName, Op::kEq, {}}}}, kTestList).status(), "takes exactly one value");
  CheckInvalid(Paged(kSelect, {{{Column::kName, Op::kContains, {int64_t{1}}}}}, kTestList).status(),
               "needs a text value");
}

// The same queries against real rows: what a list returns is what counts.
class ExecutionRows {
 public:
  ExecutionRows() : stores_(*OpenSqliteStores(dir_.path() / "registry.db")) {
    Add("a", 1, "WfOne", 10);
    Add("b", 3, "wf_two", 20);
    Add("c", 4, "wf*three", 30);
    Add("d", 3, "wfx", 40);
  }

  // Names of the rows `query` returns; sorted by name unless the query sorts.
  std::vector<std::string> List(ListQuery query) {
    if (query.sort.empty()) query.sort = {Ascending(Column::kName)};
    StatusOr<std::vector<ExecutionRow>> rows = stores_.executions->ListExecutions("p", "d", query);
    REQUIRE_MESSAGE(rows.ok(), rows.status().ToString());
    std::vector<std::string> names;
    for (const ExecutionRow& row : *rows) names.push_back(row.key.name);
    return names;
  }

  std::vector<std::string> Where(Column column, Op op, std::vector<Value> values) {
    return List({{{column, op, std::move(values)}}});
  }

  ExecutionStore& executions() { return *stores_.executions; }

 private:
  void Add(const std::string& name, int phase, const std::string& workflow, int64_t created_at) {
    ExecutionRow row;
    row.key = {"p", "d", name};
    row.phase = phase;
    row.workflow = workflow;
    row.created_at = row.updated_at = created_at;
    REQUIRE(stores_.executions->CreateExecution(row).ok());
  }

  testing::TempDir dir_;
  SqliteStores stores_;
};

using Names = std::vector<std::string>;

TEST_CASE("list queries against SQLite: every operator") {
  ExecutionRows rows;
  CHECK(rows.Where(Column::kPhase, Op::kEq, {int64_t{3}}) == Names{"b", "d"});
  CHECK(rows.Where(Column::kPhase, Op::kNe, {int64_t{3}}) == Names{"a", "c"});
  CHECK(rows.Where(Column::kCreatedAt, Op::kGt, {int64_t{20}}) == Names{"c", "d"});
  CHECK(rows.Where(Column::kCreatedAt, Op::kGte, {int64_t{20}}) == Names{"b", "c", "d"});
  CHECK(rows.Where(Column::kCreatedAt, Op::kLt, {int64_t{20}}) == Names{"a"});
  CHECK(rows.Where(Column::kCreatedAt, Op::kLte, {int64_t{20}}) == Names{"a", "b"});
  // Case-sensitive; '_' matches any one character, '*' is itself.
  CHECK(rows.Where(Column::kWorkflowName, Op::kContains, {std::string("wf")}) == Names{"b", "c", "d"});
  CHECK(rows.Where(Column::kWorkflowName, Op::kContains, {std::string("f*t")}) == Names{"c"});
  CHECK(rows.Where(Column::kWorkflowName, Op::kContains, {std::string("f_t")}) == Names{"b", "c"});
  CHECK(rows.Where(Column::kWorkflowName, Op::kNotLike, {std::string("wf%")}) == Names{"a"});
  CHECK(rows.Where(Column::kWorkflowName, Op::kNotLike, {std::string("wf\\_%")}) == Names{"a", "c", "d"});
  CHECK(rows.Where(Column::kPhase, Op::kValueIn, {int64_t{1}, int64_t{4}}) == Names{"a", "c"});
  CHECK(rows.Where(Column::kPhase, Op::kValueNotIn, {int64_t{1}, int64_t{4}}) == Names{"b", "d"});
  CHECK(rows.Where(Column::kPhase, Op::kValueIn, {}).empty());
  CHECK(rows.Where(Column::kPhase, Op::kValueNotIn, {}) == Names{"a", "b", "c", "d"});
  // Predicates are ANDed.
  CHECK(rows.List({{{Column::kPhase, Op::kEq, {int64_t{3}}}, {Column::kCreatedAt, Op::kGt, {int64_t{20}}}}}) ==
        Names{"d"});
}

TEST_CASE("list queries against SQLite: sort and pages") {
  ExecutionRows rows;
  CHECK(rows.List({{}, {Descending(Column::kCreatedAt)}}) == Names{"d", "c", "b", "a"});
  CHECK(rows.List({{}, {Descending(Column::kPhase), Ascending(Column::kCreatedAt)}}) == Names{"c", "b", "d", "a"});
  CHECK(rows.List({{}, {Descending(Column::kCreatedAt)}, 2, 1}) == Names{"c", "b"});
  CHECK(rows.List({{}, {Descending(Column::kCreatedAt)}, {}, 3}) == Names{"a"});
  CHECK(rows.List({{}, {}, 0, 0}).empty());
  CheckInvalid(rows.executions().ListExecutions("p", "d", {{}, {Ascending(Column::kRetryAttempt)}}).status(),
               "executions have no column 'retry_attempt'");
}

}  // namespace
}  // namespace flyte::store

namespace flyte::store {
namespace {

TEST_CASE("a select by column equality binds its terms first, then the page's") {
  StatusOr<PagedSql> all = SelectSql("t", "a, b", {}, nullptr, nullptr);
  REQUIRE(all.ok());
  CHECK(all->sql == "SELECT a, b FROM t WHERE 1");
  CHECK(all->params.empty());

  StatusOr<PagedSql> one =
      SelectSql("t", "a", {{"project", std::string("p")}, {"attempt", int64_t{2}}}, nullptr, nullptr);
  REQUIRE(one.ok());
  CHECK(one->sql == "SELECT a FROM t WHERE project = ? AND attempt = ?");
  CHECK(one->params == P{std::string("p"), int64_t{2}});

  const ListQuery query{{{Column::kPhase, Op::kEq, {int64_t{3}}}}, {Ascending(Column::kCreatedAt)}, 10, 20};
  StatusOr<PagedSql> page = SelectSql("t", "a", {{"project", std::string("p")}}, &query, &kTestList);
  REQUIRE(page.ok());
  CHECK(page->sql == "SELECT a FROM t WHERE project = ? AND (phase = ?) ORDER BY created_at ASC LIMIT ? OFFSET ?");
  CHECK(page->params == P{std::string("p"), int64_t{3}, int64_t{10}, int64_t{20}});
}

}  // namespace
}  // namespace flyte::store
