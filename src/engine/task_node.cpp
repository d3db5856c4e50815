// Task nodes: attempts through the plugin, their results, retries and timeouts; the cache around
// them (cached_task.h) and, when an attempt returns a workflow, the dynamic node they become.
#include "engine/task_node.h"

#include <google/protobuf/util/time_util.h>

#include <climits>
#include <cstdio>
#include <random>

#include "engine/attempt_outcome.h"
#include "engine/cached_task.h"
#include "engine/data_layout.h"
#include "engine/dynamic_node.h"
#include "engine/gate_node.h"
#include "engine/node_handler.h"
#include "engine/records.h"
#include "engine/run_graph.h"
#include "engine/run_loader.h"

namespace flyte::engine {

using flyteidl::core::ExecutionError;
using google::protobuf::util::TimeUtil;

namespace {

plugins::AttemptId AttemptIdOf(const ExecutionRun& run, const std::string& node_id, int attempt) {
  return run.key.project + "/" + run.key.domain + "/" + run.key.name + "/" + node_id + "/" + std::to_string(attempt);
}

// 128 random bits in hex: no earlier launch, of this server or another, carries the same.
std::string NewAttemptToken() {
  std::random_device device;
  std::string token;
  for (int i = 0; i < 4; ++i) {
    char word[9];
    std::snprintf(word, sizeof word, "%08x", static_cast<unsigned>(device()));
    token += word;
  }
  return token;
}

int64_t TimeoutMillis(const ExecutionRun& run, const NodeRun& node) {
  if (node.spec->metadata().has_timeout()) return TimeUtil::DurationToMilliseconds(node.spec->metadata().timeout());
  if (const auto* task = FindTask(run, node.spec->task_node().reference_id()); task && task->metadata().has_timeout()) {
    return TimeUtil::DurationToMilliseconds(task->metadata().timeout());
  }
  return 0;
}

// When the running attempt must stop: its timeout, or the node's active deadline (propeller's:
// twice the timeout since the node started), whichever comes first.
int64_t DeadlineOf(const ExecutionRun& run, const NodeRun& node) {
  const int64_t timeout = TimeoutMillis(run, node);
  return std::min(node.attempt_started_at + timeout, node.started_at + 2 * timeout);
}

RetryBudget BudgetOf(const StepContext& context, const ExecutionRun& run, const NodeRun& node) {
  RetryBudget budget;
  budget.max_system_failures = context.config.max_system_failures;
  int retries = 0;
  if (node.spec->metadata().has_retries()) {
    retries = static_cast<int>(node.spec->metadata().retries().retries());
  } else if (const auto* task = FindTask(run, node.spec->task_node().reference_id())) {
    retries = static_cast<int>(task->metadata().retries().retries());
  }
  budget.max_attempts = retries + 1;
  return budget;
}

// Propeller's order: the node's own value, then the execution's override, then the workflow's
// default. The last attempt a node has runs non-interruptible (interruptible-failure-threshold -1).
bool IsInterruptible(const StepContext& context, const ExecutionRun& run, const NodeRun& node, int attempt) {
  bool interruptible = run.root.workflow->template_().metadata_defaults().interruptible();
  if (run.record.spec().has_interruptible()) interruptible = run.record.spec().interruptible().value();
  if (node.spec->metadata().interruptible_value_case() == flyteidl::core::NodeMetadata::kInterruptible) {
    interruptible = node.spec->metadata().interruptible();
  }
  return interruptible && attempt + 1 < BudgetOf(context, run, node).max_attempts;
}

// As propeller: the execution's raw_output_data_config (set at launch, or by matchable
// attributes), else the configured raw data prefix, else the store's raw folder.
std::string RawOutputUrl(const StepContext& context, const ExecutionRun& run, const std::string& node_id, int attempt) {
  std::string prefix = run.record.spec().raw_output_data_config().output_location_prefix();
  if (prefix.empty()) prefix = context.config.raw_data_prefix;
  if (prefix.empty()) return context.blobs.NativeUrl(RawOutputPrefix(run.key, node_id, attempt)).value_or("");
  while (prefix.ends_with('/')) prefix.pop_back();
  return prefix + "/" + RawOutputPath(run.key, node_id, attempt);
}

plugins::TaskAttempt MakeAttempt(const StepContext& context, const ExecutionRun& run, const NodeRun& node,
                                 const flyteidl::core::TaskTemplate& task, int attempt) {
  auto url = [&](const std::string& key) { return context.blobs.NativeUrl(key).value_or(""); };
  plugins::TaskAttempt out;
  out.id = AttemptIdOf(run, node.id, attempt);
  out.token = node.attempt_token;
  out.project = run.key.project;
  out.domain = run.key.domain;
  out.execution_name = run.key.name;
  out.workflow_name = run.closure.primary().template_().id().name();
  out.node_id = node.id;
  out.attempt = attempt;
  out.task = task;
  // Items of an array node read the array's inputs and pick their element by index.
  const std::string& inputs_node = node.array_index >= 0 ? node.parent_id : node.id;
  out.inputs_path = url(NodeInputsKey(run.key, inputs_node));
  out.input_prefix = url(NodeDataDir(run.key, inputs_node));
  out.output_prefix = url(AttemptDir(run.key, node.id, attempt));
  out.raw_output_prefix = RawOutputUrl(context, run, node.id, attempt);
  out.checkpoint_prefix = out.raw_output_prefix + "/_flytecheckpoints";
  if (attempt > 0) out.prev_checkpoint_prefix = RawOutputUrl(context, run, node.id, attempt - 1) + "/_flytecheckpoints";
  out.env = context.config.task_env;
  for (const auto& pair : run.record.spec().envs().values()) out.env[pair.key()] = pair.value();
  if (node.array_index >= 0) {
    out.env["BATCH_JOB_ARRAY_INDEX_VAR_NAME"] = "FLYTE_K8S_ARRAY_INDEX";
    out.env["FLYTE_K8S_ARRAY_INDEX"] = std::to_string(node.array_index);
  }
  out.log_dir = (context.config.logs_dir / AttemptLogDir(run.key, node.id, attempt)).string();
  out.buckets_dir = context.config.buckets_dir;
  const auto& spec = run.record.spec();
  for (const auto& [key, value] : spec.labels().values()) out.labels[key] = value;
  for (const auto& [key, value] : spec.annotations().values()) out.annotations[key] = value;
  out.service_account = spec.security_context().run_as().k8s_service_account();
  if (out.service_account.empty()) out.service_account = spec.auth_role().kubernetes_service_account();
  out.interruptible = IsInterruptible(context, run, node, attempt);
  return out;
}

}  // namespace

void StartAttempt(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects) {
  const int64_t now = context.clock.NowMillis();
  const auto* task = FindTask(run, node.spec->task_node().reference_id());
  if (task == nullptr) {
    FailNode(run, node, SystemError("TaskNotFound", "task of node " + node.spec->id() + " is not in the closure"), now);
    return;
  }
  const int attempt = node.attempts++;
  node.attempt_started_at = now;
  node.timed_out = false;
  node.attempt_token = NewAttemptToken();  // stored with this step, before the plugin starts anything
  if (TimeoutMillis(run, node) > 0) run.timed_nodes.insert(node.id);
  plugins::TaskAttempt spec = MakeAttempt(context, run, node, *task, attempt);
  node.task_records[attempt] =
      NewTaskRecord(run, node, attempt, task->id(), task->type(), spec.inputs_path,
                    context.config.logs_base_url + "/" + AttemptLogDir(run.key, node.id, attempt), now);
  if (IsInterruptible(context, run, node, attempt)) {
    // Recorded as on a cluster; a local process cannot be preempted, so nothing else changes.
    node.task_records[attempt].mutable_closure()->mutable_metadata()->set_instance_class(
        flyteidl::event::TaskExecutionMetadata::INTERRUPTIBLE);
  }
  run.dirty_attempts.insert({node.id, attempt});
  Touch(run, node, now);
  context.attempts[spec.id] = {run.key, node.id};
  effects.push_back({Effect::Kind::kStart, std::move(spec), {}});
}

namespace {

// Applies a finished attempt: success, another attempt, or failure with Flyte's message.
void ApplyAttemptResult(const StepContext& context, ExecutionRun& run, NodeRun& node, int attempt,
                        const plugins::AttemptStatus& status, std::vector<Effect>& effects) {
  const int64_t now = context.clock.NowMillis();
  const auto* task = FindTask(run, node.spec->task_node().reference_id());
  const std::string dir = AttemptDir(run.key, node.id, attempt);
  AttemptResult result = ReadAttemptResult(context.blobs, dir, status, task->interface(), node.timed_out);
  AttemptDecision decision =
      DecideAfterAttempt({node.attempts, node.system_failures}, result.outcome, BudgetOf(context, run, node));
  if (node.deadline_exceeded && decision.step == NextStep::kRetry) {
    // Past the node's active deadline no attempt is left.
    decision.step = NextStep::kFail;
    result.error.set_message(result.error.message() + " (the node ran past its active deadline of twice its timeout)");
  }
  node.system_failures = decision.counts.system_failures;
  auto& record = node.task_records[attempt];
  run.dirty_attempts.insert({node.id, attempt});
  effects.push_back({Effect::Kind::kFinalize, {}, AttemptIdOf(run, node.id, attempt)});
  context.attempts.erase(AttemptIdOf(run, node.id, attempt));
  switch (decision.step) {
    case NextStep::kSucceed:
      if (result.dynamic) {
        FinishTaskRecord(record, flyteidl::core::TaskExecution::SUCCEEDED, "", nullptr, now);
        return StartDynamic(context, run, node, task->interface());
      }
      FinishTaskRecord(record, flyteidl::core::TaskExecution::SUCCEEDED,
                       context.blobs.NativeUrl(dir + "/outputs.pb").value_or(""), nullptr, now);
      node.outputs = std::move(result.outputs);
      PopulateCache(context, run, node, attempt);
      Finish(run, node, NodePhase::kSucceeded, now);
      return;
    case NextStep::kRetry:
      FinishTaskRecord(record, flyteidl::core::TaskExecution::FAILED, "", &result.error, now);
      StartAttempt(context, run, node, effects);
      return;
    case NextStep::kFail: {
      FinishTaskRecord(record, flyteidl::core::TaskExecution::FAILED, "", &result.error, now);
      ExecutionError error = result.error;
      const int max_attempts = BudgetOf(context, run, node).max_attempts;
      if (node.attempts > 1 || result.outcome == AttemptOutcome::kUserRecoverable) {
        error.set_code("RetriesExhausted|" + result.error.code());
        error.set_message("[" + std::to_string(node.attempts) + "/" + std::to_string(max_attempts) +
                          "] currentAttempt done. Last Error: " + ExecutionError::ErrorKind_Name(result.error.kind()) +
                          "::" + result.error.message());
      }
      node.error = std::move(error);
      ReleaseCache(context, run, node);
      Finish(run, node, result.outcome == AttemptOutcome::kTimedOut ? NodePhase::kTimedOut : NodePhase::kFailed, now);
      return;
    }
  }
}

}  // namespace

void ApplyTimeouts(const StepContext& context, ExecutionRun& run, std::vector<Effect>& effects) {
  const int64_t now = context.clock.NowMillis();
  for (const auto& id : run.timed_nodes) {
    NodeRun& node = run.nodes.at(id);
    if (node.timed_out || now < DeadlineOf(run, node)) continue;
    node.timed_out = true;
    node.deadline_exceeded = now >= node.started_at + 2 * TimeoutMillis(run, node);
    effects.push_back({Effect::Kind::kAbort, {}, AttemptIdOf(run, node.id, node.attempts - 1)});
  }
}

void LoadTaskRecords(const StepContext& context, const ExecutionRun& run, NodeRun& node) {
  auto tasks = context.executions.ListTaskExecutions(run.key, node.id, {.limit = 1000});
  if (!tasks.ok()) return;
  for (const auto& task : *tasks) (void)node.task_records[task.retry_attempt].ParseFromString(task.payload);
}

int64_t NextDeadline(const ExecutionRun& run) {
  int64_t next = INT64_MAX;
  for (const auto& id : run.timed_nodes) {
    const NodeRun& node = run.nodes.at(id);
    if (!node.timed_out) next = std::min(next, DeadlineOf(run, node));
  }
  for (const auto& id : run.sleeping) next = std::min(next, GateWakeTime(run.nodes.at(id)));
  for (const auto& [id, when] : run.cache_waiters) next = std::min(next, when);
  return next;
}

namespace {

// Which plugin runs the attempt (local process, container), in its task execution's metadata as
// propeller records it: the console and the API show it per attempt.
void NotePlugin(ExecutionRun& run, NodeRun& node, int attempt, const plugins::AttemptStatus& status) {
  const auto record = node.task_records.find(attempt);
  if (status.plugin.empty() || record == node.task_records.end()) return;
  auto* metadata = record->second.mutable_closure()->mutable_metadata();
  if (metadata->plugin_identifier() == status.plugin) return;
  metadata->set_plugin_identifier(status.plugin);
  run.dirty_attempts.insert({node.id, attempt});
}

}  // namespace

void HandleAttemptChange(const StepContext& context, RunMap& runs, const plugins::AttemptId& id,
                         std::vector<Effect>& effects) {
  auto owner = context.attempts.find(id);
  if (owner == context.attempts.end()) return;
  auto run_it = runs.find(owner->second.first);
  if (run_it == runs.end()) return;
  ExecutionRun& run = *run_it->second;
  NodeRun& node = run.nodes[owner->second.second];
  auto checked = context.plugin.Check(id);
  if (!checked.ok()) {
    // The plugin lost the attempt (e.g. Start itself failed): it will not report again.
    plugins::AttemptStatus lost;
    lost.phase = plugins::AttemptPhase::kFailedToStart;
    lost.message = std::string(checked.status().message());
    checked = lost;
  }
  const StatusOr<plugins::AttemptStatus>& status = checked;
  const int attempt = node.attempts - 1;
  if (node.phase == NodePhase::kRunning && AttemptIdOf(run, node.id, attempt) == id)
    NotePlugin(run, node, attempt, *status);
  if (node.phase != NodePhase::kRunning || AttemptIdOf(run, node.id, attempt) != id) {
    if (status->phase != plugins::AttemptPhase::kRunning && status->phase != plugins::AttemptPhase::kQueued) {
      effects.push_back({Effect::Kind::kFinalize, {}, id});
      context.attempts.erase(id);
    }
    return;
  }
  if (status->phase == plugins::AttemptPhase::kRunning || status->phase == plugins::AttemptPhase::kQueued) return;
  ApplyAttemptResult(context, run, node, attempt, *status, effects);
}

namespace {

// What the plugin found of the stored launch of `attempt`. A launch stored without a token (by a
// sandbox from before them) ended as far as anyone can tell, and a plugin that cannot tell lost it:
// a system failure, retried like an interrupted attempt.
plugins::Recovery RecoverAttempt(plugins::Plugin& plugin, const plugins::TaskAttempt& attempt) {
  plugins::Recovery recovery;
  recovery.state = plugins::Recovery::State::kEnded;
  recovery.status.phase = plugins::AttemptPhase::kExited;
  if (attempt.token.empty()) {
    recovery.status.message = "the task process ended while the sandbox was down";
    return recovery;
  }
  StatusOr<plugins::Recovery> found = plugin.Recover(attempt);
  if (found.ok()) return *std::move(found);
  recovery.status.exit_code = 128 + 9;
  recovery.status.message = "the attempt was lost in a restart: " + std::string(found.status().message());
  return recovery;
}

// After a restart, a restored task node's current attempt: started now if its launch never
// happened, watched if it runs, judged by what it left if it ended.
void RestoreAttempt(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects) {
  LoadTaskRecords(context, run, node);
  const auto* task = FindTask(run, node.spec->task_node().reference_id());
  if (task == nullptr) return;
  if (node.attempts == 0) return MarkForLook(run, node);  // it was waiting for the cache
  const int attempt = node.attempts - 1;
  plugins::TaskAttempt spec = MakeAttempt(context, run, node, *task, attempt);
  const plugins::Recovery recovery = RecoverAttempt(context.plugin, spec);
  if (recovery.state == plugins::Recovery::State::kEnded) {
    return ApplyAttemptResult(context, run, node, attempt, recovery.status, effects);
  }
  context.attempts[spec.id] = {run.key, node.id};
  if (TimeoutMillis(run, node) > 0) run.timed_nodes.insert(node.id);
  if (recovery.state == plugins::Recovery::State::kNeverStarted) {
    effects.push_back({Effect::Kind::kStart, std::move(spec), {}});  // the same launch: it never ran
  }
}

class TaskHandler final : public NodeHandler {
 public:
  void Start(const StepContext& context, ExecutionRun& run, NodeRun& node, flyteidl::core::LiteralMap,
             std::vector<Effect>& effects) const override {
    if (WaitForCache(context, run, node)) return;
    StartAttempt(context, run, node, effects);
  }
  void Advance(const StepContext& context, ExecutionRun& run, NodeRun& node,
               std::vector<Effect>& effects) const override {
    // A cached task waiting for another run's reservation.
    if (node.attempts == 0 && !WaitForCache(context, run, node)) StartAttempt(context, run, node, effects);
  }
  void Abort(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects,
             int64_t now) const override {
    if (node.attempts > 0) {
      const int attempt = node.attempts - 1;
      effects.push_back({Effect::Kind::kAbort, {}, AttemptIdOf(run, node.id, attempt)});
      if (auto record = node.task_records.find(attempt); record != node.task_records.end()) {
        FinishTaskRecord(record->second, flyteidl::core::TaskExecution::ABORTED, "", nullptr, now);
        run.dirty_attempts.insert({node.id, attempt});
      }
    }
    ReleaseCache(context, run, node);
  }
  void Restore(RunRestore& restore, NodeRun& node) const override {
    if (ResumeDynamic(restore.context, restore.run, node)) return restore.RestoreScope(*node.child_scope);
    RestoreAttempt(restore.context, restore.run, node, restore.effects);
  }
  bool CountsForParallelism() const override { return true; }
};

}  // namespace

const NodeHandler& TaskNodeHandler() { return HandlerInstance<TaskHandler>(); }

}  // namespace flyte::engine
