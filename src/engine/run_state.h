// In-memory state of one workflow execution while the executor drives it: its nodes (by unique
// id), the scopes they belong to (the workflow, each sub-workflow instance) and what changed
// since the last persisted step. Owned by the executor's loop thread.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/cache_key.h"
#include "engine/node_kinds.h"
#include "engine/transitions.h"
#include "flyteidl/admin/execution.pb.h"
#include "flyteidl/admin/task_execution.pb.h"
#include "flyteidl/core/compiler.pb.h"
#include "flyteidl/core/execution.pb.h"
#include "flyteidl/core/identifier.pb.h"
#include "flyteidl/core/literals.pb.h"
#include "store/execution_store.h"

namespace flyte::engine {

// A workflow body being executed: the top-level workflow or one sub-workflow instance.
struct Scope {
  const flyteidl::core::CompiledWorkflow* workflow = nullptr;
  std::string parent_id;                          // unique id of the owning node; "" at top level
  flyteidl::core::LiteralMap inputs;              // what start-node outputs
  std::map<std::string, std::string> unique_ids;  // spec node id → unique node id
  // Spec ids to look at in the next pass: nodes whose upstream or children changed. Keeps a
  // step proportional to what changed, not to the size of the workflow.
  std::set<std::string> candidates;
  int terminal_nodes = 0;       // of unique_ids
  std::string first_failed_id;  // unique id of the first node that failed or timed out
};

// Progress of an array node (map task) over its items; items are child node runs started in
// index order, counted here as they change so a step costs what changed, not the array's size.
struct ArrayState {
  int size = 0;
  int min_successes = 0;
  int parallelism = 0;  // items running at once; 0 = no limit
  int next = 0;         // the first item not started yet
  int running = 0, succeeded = 0, failed = 0;
  int64_t record_written_at = 0;  // the array's task record (one entry per item) is rewritten at most once a second
};

// One node of a run. Its NodeProgress (attempts, system failures, pid, attempt start) is what
// its row keeps of it beside the record.
struct NodeRun : store::NodeProgress {
  std::string id;         // unique within the execution
  std::string parent_id;  // unique id of the parent node ("" at top level)
  const flyteidl::core::Node* spec = nullptr;
  NodeKind kind = NodeKind::kUnsupported;  // of `spec` (SetSpec), or kDynamic once its task returned a workflow
  Scope* scope = nullptr;                  // where its bindings resolve
  NodePhase phase = NodePhase::kNotYetStarted;
  int64_t created_at = 0, started_at = 0, updated_at = 0;
  bool timed_out = false;          // the current attempt was aborted for its timeout
  bool deadline_exceeded = false;  // ... and the node for its active deadline: no retry
  std::optional<flyteidl::core::LiteralMap> outputs;
  std::optional<flyteidl::core::ExecutionError> error;
  bool recovered = false;  // took its outputs from the execution this one recovers (phase RECOVERED)
  std::map<int, flyteidl::admin::TaskExecution> task_records;  // task nodes: one per attempt
  std::unique_ptr<Scope> child_scope;  // sub-workflow nodes, dynamic tasks running their workflow
  std::string branch_child;            // branch nodes: unique id of the taken node
  std::string child_execution;         // launch plan nodes: name of the child execution
  int cache_status = 0;                // cached tasks: a flyteidl.core.CatalogCacheStatus
  std::optional<CacheKey> cache_key;
  std::unique_ptr<ArrayState> array;  // array nodes
  int array_index = -1;  // items of an array node: their index                           // cached tasks, once computed
  flyteidl::core::TaskExecutionIdentifier cache_source;  // the attempt that computed the cached value
};

struct ExecutionRun {
  store::ExecutionKey key;
  store::ExecutionRow row;            // columns + payload as last persisted
  flyteidl::admin::Execution record;  // the payload, kept current
  flyteidl::core::CompiledWorkflowClosure closure;
  // Dynamic task nodes running their workflow: its compiled closure, by node id (node specs and
  // scopes point into it, so entries stay put until the run ends).
  std::map<std::string, flyteidl::core::CompiledWorkflowClosure> dynamic_closures;
  Scope root;
  std::map<std::string, NodeRun> nodes;  // by unique id
  bool aborting = false;
  std::string abort_cause;
  // Running nodes that count against max_parallelism (tasks, launch plans), and ready ones
  // held back by it, as (scope, spec id): they become candidates again when one finishes.
  int running_limited = 0;
  std::deque<std::pair<Scope*, std::string>> deferred;  // oldest first
  // Running nodes waiting on something outside the engine (a child execution, a signal): they
  // are looked at again when the execution is woken.
  std::set<std::string> waiting;
  bool woken = false;
  std::set<std::string> sleeping;  // running sleep gates (their wake times are watched)
  std::set<std::string> timed_nodes;
  std::map<std::string, int64_t> cache_waiters;  // node id → when to look at the reservation again             //
                                                 // running task nodes with a timeout (their deadlines are watched)
  NodeRun* failure_node = nullptr;               // the workflow's failure node, once started
  flyteidl::core::ExecutionError failure_cause;  // what failed the workflow (the failure node's `err`)
  std::string failed_node_id;
  // What the next persisted step must write.
  bool execution_dirty = false;
  std::set<std::string> dirty_nodes;
  std::set<std::pair<std::string, int>> dirty_attempts;  // (node id, attempt)
};

}  // namespace flyte::engine
