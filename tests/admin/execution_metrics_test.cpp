// GetExecutionMetrics over execution records written straight into a real SQLite store: the span
// tree, its operation spans and how `depth` cuts it.
#include <doctest/doctest.h>
#include <google/protobuf/util/time_util.h>

#include "admin/admin.h"
#include "fakes/admin_fixture.h"
#include "fakes/flyteidl_values.h"

namespace flyte::admin {
namespace {

using flyteidl::core::Span;
using google::protobuf::util::TimeUtil;

const store::ExecutionKey kKey{"flytesnacks", "development", "timed"};

// Times are offsets in milliseconds from T0 (before the fixture clock's now, T0 + 10000).
constexpr int64_t kT0 = 1'700'000'000'000 - 10'000;

flyteidl::core::WorkflowExecutionIdentifier ExecutionId() { return testing::ExecutionIdOf(kKey); }

// created/started/updated are offsets from T0; started < 0 leaves started_at unset.
template <typename Closure>
void SetTimes(Closure* closure, int64_t created, int64_t started, int64_t duration, int64_t updated) {
  *closure->mutable_created_at() = TimeUtil::MillisecondsToTimestamp(kT0 + created);
  if (started >= 0) *closure->mutable_started_at() = TimeUtil::MillisecondsToTimestamp(kT0 + started);
  *closure->mutable_duration() = TimeUtil::MillisecondsToDuration(duration);
  *closure->mutable_updated_at() = TimeUtil::MillisecondsToTimestamp(kT0 + updated);
}

store::NodeExecutionRow Node(const std::string& node_id, const std::string& parent, int64_t created, int64_t started,
                             int64_t duration, int64_t updated) {
  flyteidl::admin::NodeExecution node;
  *node.mutable_id()->mutable_execution_id() = ExecutionId();
  node.mutable_id()->set_node_id(node_id);
  node.mutable_closure()->set_phase(flyteidl::core::NodeExecution::SUCCEEDED);
  SetTimes(node.mutable_closure(), created, started, duration, updated);
  return {kKey,          node_id,       parent,        node.closure().phase(),
          kT0 + created, kT0 + updated, {1, 0, "", 0}, node.SerializeAsString()};
}

store::TaskExecutionRow Attempt(const std::string& node_id, int attempt, int64_t created, int64_t duration,
                                int64_t updated) {
  flyteidl::admin::TaskExecution task;
  *task.mutable_id()->mutable_node_execution_id()->mutable_execution_id() = ExecutionId();
  task.mutable_id()->mutable_node_execution_id()->set_node_id(node_id);
  task.mutable_id()->set_retry_attempt(attempt);
  task.mutable_closure()->set_phase(flyteidl::core::TaskExecution::SUCCEEDED);
  SetTimes(task.mutable_closure(), created, created, duration, updated);
  return {kKey, node_id, attempt, task.closure().phase(), kT0 + created, kT0 + updated, task.SerializeAsString()};
}

// [start, end] of a span as offsets from T0, and what it stands for.
struct Shape {
  int64_t start, end;
  std::string what;
  bool operator==(const Shape&) const = default;
};

Shape ShapeOf(const Span& span) {
  std::string what = span.has_workflow_id() ? "workflow " + span.workflow_id().name()
                     : span.has_node_id()   ? "node " + span.node_id().node_id()
                     : span.has_task_id()   ? "attempt " + std::to_string(span.task_id().retry_attempt())
                                            : span.operation_id();
  return {TimeUtil::TimestampToMilliseconds(span.start_time()) - kT0,
          TimeUtil::TimestampToMilliseconds(span.end_time()) - kT0, what};
}

std::vector<Shape> Children(const Span& span) {
  std::vector<Shape> out;
  for (const Span& child : span.spans()) out.push_back(ShapeOf(child));
  return out;
}

struct MetricsFixture : testing::AdminFixture {
  // A workflow (created 0, started 100) with a task node n0 that needed two attempts and a
  // sub-workflow node n1 whose one child waited without attempts (a gate).
  MetricsFixture() {
    flyteidl::admin::Execution execution;
    *execution.mutable_id() = ExecutionId();
    execution.mutable_closure()->set_phase(flyteidl::core::WorkflowExecution::SUCCEEDED);
    SetTimes(execution.mutable_closure(), 0, 100, 4900, 5000);
    store::ExecutionRow row;
    row.key = kKey;
    row.created_at = kT0;
    row.updated_at = kT0 + 5000;
    row.payload = execution.SerializeAsString();
    REQUIRE(stores.executions->CreateExecution(row).ok());

    store::ExecutionWrite write;
    write.nodes.push_back(Node("n0", "", 200, 300, 2600, 3000));
    write.nodes.push_back(Node("n1", "", 3100, 3200, 1600, 4800));
    write.nodes.push_back(Node("n1-0-g", "n1", 3200, 3300, 1000, 4500));
    write.tasks.push_back(Attempt("n0", 0, 300, 500, 900));
    write.tasks.push_back(Attempt("n0", 1, 1000, 800, 2900));
    REQUIRE(stores.executions->Apply(write).ok());
  }

  Span Metrics(int depth) {
    flyteidl::admin::WorkflowExecutionGetMetricsRequest request;
    *request.mutable_id() = ExecutionId();
    request.set_depth(depth);
    flyteidl::admin::WorkflowExecutionGetMetricsResponse response;
    Status status = admin->metrics().GetExecutionMetrics(request, &response);
    REQUIRE_MESSAGE(status.ok(), status.ToString());
    return response.span();
  }
};

TEST_CASE_FIXTURE(MetricsFixture, "metrics: the full tree of workflow, nodes, attempts and operations") {
  Span root = Metrics(10);
  CHECK(ShapeOf(root) == Shape{0, 5000, "workflow timed"});
  CHECK(Children(root) == std::vector<Shape>{{0, 100, "WORKFLOW_SETUP"},
                                             {200, 3000, "node n0"},
                                             {3100, 4800, "node n1"},
                                             {4800, 5000, "WORKFLOW_TEARDOWN"}});
  const Span& n0 = root.spans(1);
  CHECK(Children(n0) == std::vector<Shape>{{200, 300, "NODE_SETUP"},
                                           {300, 900, "attempt 0"},
                                           {900, 1000, "NODE_RESET"},
                                           {1000, 2900, "attempt 1"},
                                           {2900, 3000, "NODE_TEARDOWN"}});
  CHECK(Children(n0.spans(3)) ==
        std::vector<Shape>{{1000, 1000, "TASK_SETUP"}, {1000, 1800, "TASK_RUNTIME"}, {1800, 2900, "TASK_TEARDOWN"}});
  const Span& n1 = root.spans(2);
  CHECK(Children(n1) ==
        std::vector<Shape>{{3100, 3200, "NODE_SETUP"}, {3200, 4500, "node n1-0-g"}, {4500, 4800, "NODE_TEARDOWN"}});
  CHECK(Children(n1.spans(1)) ==
        std::vector<Shape>{{3200, 3300, "NODE_SETUP"}, {3300, 4300, "NODE_IDLE"}, {4300, 4500, "NODE_TEARDOWN"}});
}

TEST_CASE_FIXTURE(MetricsFixture, "metrics: depth cuts the tree as FlyteAdmin's does") {
  CHECK(Metrics(0).spans().empty());
  Span one = Metrics(1);
  REQUIRE(one.spans_size() == 4);
  CHECK(one.spans(1).spans().empty());
  // At depth 2 a task node keeps its operations but not its attempts; a sub-workflow node keeps
  // its children, themselves without children.
  Span two = Metrics(2);
  CHECK(Children(two.spans(1)) ==
        std::vector<Shape>{{200, 300, "NODE_SETUP"}, {900, 1000, "NODE_RESET"}, {2900, 3000, "NODE_TEARDOWN"}});
  REQUIRE(two.spans(2).spans_size() == 3);
  CHECK(two.spans(2).spans(1).spans().empty());
  // Negative depth has no limit.
  CHECK(Metrics(-1).SerializeAsString() == Metrics(10).SerializeAsString());
}

TEST_CASE_FIXTURE(MetricsFixture, "metrics: a running execution ends now; unknown executions are NOT_FOUND") {
  store::ExecutionRow row = *stores.executions->GetExecution(kKey);
  flyteidl::admin::Execution execution;
  REQUIRE(execution.ParseFromString(row.payload));
  execution.mutable_closure()->set_phase(flyteidl::core::WorkflowExecution::RUNNING);
  row.payload = execution.SerializeAsString();
  REQUIRE(stores.executions->Apply({{row}, {}, {}}).ok());
  CHECK(ShapeOf(Metrics(1)) == Shape{0, 10'000, "workflow timed"});

  flyteidl::admin::WorkflowExecutionGetMetricsRequest request;
  *request.mutable_id() = ExecutionId();
  request.mutable_id()->set_name("missing");
  flyteidl::admin::WorkflowExecutionGetMetricsResponse response;
  CHECK(absl::IsNotFound(admin->metrics().GetExecutionMetrics(request, &response)));
  request.mutable_id()->clear_name();
  CHECK(absl::IsInvalidArgument(admin->metrics().GetExecutionMetrics(request, &response)));
}

}  // namespace
}  // namespace flyte::admin
