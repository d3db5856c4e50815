// GetExecutionMetrics, after FlyteAdmin's MetricsManager (pkg/manager/impl/metrics_manager.go):
// an execution broken down into a tree of spans built from its stored records. The workflow span
// holds a span per top-level node; a node span holds its task attempts and its child nodes
// (sub-workflow and branch nodes), with operation spans for the time around them, named as
// FlyteAdmin names them. `depth` limits nesting as there: 0 is the workflow span alone, each level
// of nodes costs one, and attempt spans one more than the operations beside them.
// Where it differs: only the records are read (not the compiled workflow), so there are no
// NODE_TRANSITION spans and a teardown starts when the last child ended rather than at end-node's
// latest upstream; and a span still running ends now, not at its last update.
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <initializer_list>
#include <map>
#include <optional>

#include "admin/metrics_service.h"
#include "admin/validation.h"
#include "flyteidl/admin/node_execution.pb.h"
#include "flyteidl/admin/task_execution.pb.h"

namespace flyte::admin {
namespace {

using flyteidl::admin::NodeExecution;
using flyteidl::admin::TaskExecution;
using flyteidl::core::Span;
using google::protobuf::util::TimeUtil;

int64_t Millis(const google::protobuf::Timestamp& time) { return TimeUtil::TimestampToMilliseconds(time); }

template <typename Phase>
bool IsOneOf(Phase phase, std::initializer_list<Phase> phases) {
  return std::find(phases.begin(), phases.end(), phase) != phases.end();
}

bool Finished(const flyteidl::admin::ExecutionClosure& closure) {
  using Phase = flyteidl::core::WorkflowExecution;
  return IsOneOf(closure.phase(), {Phase::SUCCEEDED, Phase::FAILED, Phase::ABORTED, Phase::TIMED_OUT});
}

bool Finished(const flyteidl::admin::NodeExecutionClosure& closure) {
  using Phase = flyteidl::core::NodeExecution;
  return IsOneOf(closure.phase(),
                 {Phase::SUCCEEDED, Phase::FAILED, Phase::ABORTED, Phase::SKIPPED, Phase::TIMED_OUT, Phase::RECOVERED});
}

bool Finished(const flyteidl::admin::TaskExecutionClosure& closure) {
  using Phase = flyteidl::core::TaskExecution;
  return IsOneOf(closure.phase(), {Phase::SUCCEEDED, Phase::FAILED, Phase::ABORTED, Phase::RETRYABLE_FAILED});
}

// A record's span runs from its creation to its last update, or to now while it runs.
template <typename Closure>
int64_t EndOf(const Closure& closure, int64_t now) {
  const int64_t updated = Millis(closure.updated_at());
  return Finished(closure) ? updated : std::max(updated, now);
}

// A span over [start, end], never ending before it starts.
Span MakeSpan(int64_t start, int64_t end) {
  Span span;
  *span.mutable_start_time() = TimeUtil::MillisecondsToTimestamp(start);
  *span.mutable_end_time() = TimeUtil::MillisecondsToTimestamp(std::max(start, end));
  return span;
}

void AddOperation(int64_t start, int64_t end, const char* operation, Span* parent) {
  Span* span = parent->add_spans();
  *span = MakeSpan(start, end);
  span->set_operation_id(operation);
}

struct PhaseNames {
  const char* setup;
  const char* active;
  const char* teardown;
};

// A record with nothing below it (an attempt; a node without attempts or children): setup until
// it started, then active for its duration (until `end` while that is unknown), then teardown.
template <typename Closure>
void AddPhaseOperations(const Closure& closure, int64_t end, const PhaseNames& names, Span* span) {
  const int64_t created = Millis(closure.created_at());
  if (!closure.has_started_at() || Millis(closure.started_at()) == 0) {
    AddOperation(created, end, names.setup, span);
    return;
  }
  const int64_t started = Millis(closure.started_at());
  AddOperation(created, started, names.setup, span);
  const int64_t duration = TimeUtil::DurationToMilliseconds(closure.duration());
  if (duration == 0) {
    AddOperation(started, end, names.active, span);
    return;
  }
  AddOperation(started, started + duration, names.active, span);
  if (end >= started + duration) AddOperation(started + duration, end, names.teardown, span);
}

// Builds the spans of one execution from its node and task execution records.
class SpanTree {
 public:
  SpanTree(store::ExecutionStore& store, store::ExecutionKey key, int64_t now)
      : store_(store), key_(std::move(key)), now_(now) {}

  // Reads every node execution, grouped under its parent and ordered by creation.
  Status Load() {
    ASSIGN_OR_RETURN(std::vector<store::NodeExecutionRow> rows, store_.AllNodeExecutions(key_));
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return std::tie(a.created_at, a.node_id) < std::tie(b.created_at, b.node_id);
    });
    for (const auto& row : rows) {
      NodeExecution& node = children_[row.parent_id].emplace_back();
      if (!node.ParseFromString(row.payload)) return Corrupt("node " + row.node_id);
    }
    return absl::OkStatus();
  }

  StatusOr<Span> WorkflowSpan(const flyteidl::admin::Execution& execution, int depth) {
    const auto& closure = execution.closure();
    const int64_t created = Millis(closure.created_at());
    const int64_t end = EndOf(closure, now_);
    Span span = MakeSpan(created, end);
    *span.mutable_workflow_id() = execution.id();
    if (depth == 0) return span;
    if (!closure.has_started_at()) {
      AddOperation(created, end, "WORKFLOW_SETUP", &span);
      return span;
    }
    AddOperation(created, Millis(closure.started_at()), "WORKFLOW_SETUP", &span);
    const std::vector<NodeExecution>& nodes = ChildrenOf("");
    if (nodes.empty()) return span;
    ASSIGN_OR_RETURN(int64_t last_end, AddNodes(nodes, depth - 1, &span));
    if (end >= last_end) AddOperation(last_end, end, "WORKFLOW_TEARDOWN", &span);
    return span;
  }

 private:
  Status Corrupt(const std::string& what) const {
    return absl::InternalError("corrupt record of " + what + " in execution " + key_.name);
  }

  const std::vector<NodeExecution>& ChildrenOf(const std::string& node_id) const {
    static const std::vector<NodeExecution> kNone;
    auto found = children_.find(node_id);
    return found == children_.end() ? kNone : found->second;
  }

  // Adds a span per node (at least one) and returns when the last of them ended.
  StatusOr<int64_t> AddNodes(const std::vector<NodeExecution>& nodes, int depth, Span* parent) {
    int64_t last_end = 0;
    for (const NodeExecution& node : nodes) {
      ASSIGN_OR_RETURN(*parent->add_spans(), NodeSpan(node, depth));
      last_end = std::max(last_end, EndOf(node.closure(), now_));
    }
    return last_end;
  }

  StatusOr<Span> NodeSpan(const NodeExecution& node, int depth) {
    const auto& closure = node.closure();
    const int64_t created = Millis(closure.created_at());
    const int64_t end = EndOf(closure, now_);
    Span span = MakeSpan(created, end);
    *span.mutable_node_id() = node.id();
    if (depth == 0) return span;
    ASSIGN_OR_RETURN(std::vector<TaskExecution> attempts, Attempts(node.id().node_id()));
    const std::vector<NodeExecution>& children = ChildrenOf(node.id().node_id());
    if (attempts.empty() && children.empty()) {
      AddPhaseOperations(closure, end, {"NODE_SETUP", "NODE_IDLE", "NODE_TEARDOWN"}, &span);
      return span;
    }
    const auto& first =
        attempts.empty() ? children.front().closure().created_at() : attempts.front().closure().created_at();
    AddOperation(created, Millis(first), "NODE_SETUP", &span);
    std::optional<int64_t> last_end;
    for (const TaskExecution& attempt : attempts) {
      // Between attempts (and between the last attempt and the nodes it produced) the node resets.
      if (last_end) AddOperation(*last_end, Millis(attempt.closure().created_at()), "NODE_RESET", &span);
      if (depth - 1 != 0) *span.add_spans() = AttemptSpan(attempt);
      last_end = EndOf(attempt.closure(), now_);
    }
    if (!children.empty()) {
      if (last_end) AddOperation(*last_end, Millis(children.front().closure().created_at()), "NODE_RESET", &span);
      ASSIGN_OR_RETURN(last_end, AddNodes(children, depth - 1, &span));
    }
    if (end >= *last_end) AddOperation(*last_end, end, "NODE_TEARDOWN", &span);
    return span;
  }

  Span AttemptSpan(const TaskExecution& attempt) const {
    const auto& closure = attempt.closure();
    const int64_t end = EndOf(closure, now_);
    Span span = MakeSpan(Millis(closure.created_at()), end);
    *span.mutable_task_id() = attempt.id();
    AddPhaseOperations(closure, end, {"TASK_SETUP", "TASK_RUNTIME", "TASK_TEARDOWN"}, &span);
    return span;
  }

  // Every attempt of a node, oldest first.
  StatusOr<std::vector<TaskExecution>> Attempts(const std::string& node_id) {
    store::ListQuery everything;  // no limit
    everything.sort = {store::Ascending(store::Column::kCreatedAt), store::Ascending(store::Column::kRetryAttempt)};
    ASSIGN_OR_RETURN(std::vector<store::TaskExecutionRow> rows, store_.ListTaskExecutions(key_, node_id, everything));
    std::vector<TaskExecution> attempts(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      if (!attempts[i].ParseFromString(rows[i].payload)) return Corrupt("an attempt of node " + node_id);
    }
    return attempts;
  }

  store::ExecutionStore& store_;
  const store::ExecutionKey key_;
  const int64_t now_;
  std::map<std::string, std::vector<NodeExecution>> children_;  // by parent's node id ("" = top level)
};

}  // namespace

Status MetricsService::GetExecutionMetrics(const flyteidl::admin::WorkflowExecutionGetMetricsRequest& request,
                                           flyteidl::admin::WorkflowExecutionGetMetricsResponse* response) {
  flyteidl::admin::WorkflowExecutionGetRequest get;
  *get.mutable_id() = request.id();
  flyteidl::admin::Execution execution;
  RETURN_IF_ERROR(executions_.GetExecution(get, &execution));
  SpanTree tree(deps_.executions, ExecutionKeyOf(request.id()), deps_.clock.NowMillis());
  RETURN_IF_ERROR(tree.Load());
  ASSIGN_OR_RETURN(*response->mutable_span(), tree.WorkflowSpan(execution, request.depth()));
  return absl::OkStatus();
}

}  // namespace flyte::admin
