#include "engine/records.h"

#include <google/protobuf/util/time_util.h>

#include <utility>

#include "engine/data_layout.h"
#include "engine/engine_metrics.h"

namespace flyte::engine {
namespace {

using google::protobuf::util::TimeUtil;
using CorePhase = flyteidl::core::NodeExecution;

// Each engine phase and the flyteidl phase it is recorded as; read back the other way.
constexpr std::pair<NodePhase, CorePhase::Phase> kRecordedPhases[] = {
    {NodePhase::kNotYetStarted, CorePhase::QUEUED}, {NodePhase::kRunning, CorePhase::RUNNING},
    {NodePhase::kSucceeded, CorePhase::SUCCEEDED},  {NodePhase::kFailed, CorePhase::FAILED},
    {NodePhase::kTimedOut, CorePhase::TIMED_OUT},   {NodePhase::kSkipped, CorePhase::SKIPPED},
    {NodePhase::kAborted, CorePhase::ABORTED},
};

// Other flyteidl phases a node record may carry (NodeRecord writes DYNAMIC_RUNNING and RECOVERED;
// FAILING is propeller's), read back as the engine phase they stand for.
constexpr std::pair<CorePhase::Phase, NodePhase> kRecordedVariants[] = {
    {CorePhase::DYNAMIC_RUNNING, NodePhase::kRunning},
    {CorePhase::FAILING, NodePhase::kRunning},
    {CorePhase::RECOVERED, NodePhase::kSucceeded},
};

}  // namespace

CorePhase::Phase ToNodeExecutionPhase(NodePhase phase) {
  for (const auto& [engine_phase, recorded] : kRecordedPhases) {
    if (engine_phase == phase) return recorded;
  }
  return CorePhase::UNDEFINED;
}

NodePhase FromNodeExecutionPhase(CorePhase::Phase phase) {
  for (const auto& [recorded, engine_phase] : kRecordedVariants) {
    if (recorded == phase) return engine_phase;
  }
  for (const auto& [engine_phase, recorded] : kRecordedPhases) {
    if (recorded == phase) return engine_phase;
  }
  return NodePhase::kNotYetStarted;
}

flyteidl::admin::NodeExecution NodeRecord(const ExecutionRun& run, const NodeRun& node, store::BlobStore& blobs) {
  flyteidl::admin::NodeExecution record;
  record.mutable_id()->set_node_id(node.id);
  auto* execution_id = record.mutable_id()->mutable_execution_id();
  execution_id->set_project(run.key.project);
  execution_id->set_domain(run.key.domain);
  execution_id->set_name(run.key.name);
  record.set_input_uri(blobs.NativeUrl(NodeInputsKey(run.key, node.id)).value_or(""));

  // A task node running the workflow it returned (its children are listed under it).
  const bool dynamic = node.kind == NodeKind::kDynamic;
  const int attempt = std::max(0, node.attempts - 1);
  auto* closure = record.mutable_closure();
  closure->set_phase(dynamic && node.phase == NodePhase::kRunning ? CorePhase::DYNAMIC_RUNNING
                     : node.recovered                             ? CorePhase::RECOVERED
                                                                  : ToNodeExecutionPhase(node.phase));
  if (dynamic) {
    closure->set_dynamic_job_spec_uri(
        blobs.NativeUrl(AttemptDir(run.key, node.id, attempt) + "/" + kFuturesFile).value_or(""));
  }
  *closure->mutable_created_at() = TimeUtil::MillisecondsToTimestamp(node.created_at);
  *closure->mutable_updated_at() = TimeUtil::MillisecondsToTimestamp(std::max(node.updated_at, node.created_at));
  if (node.started_at > 0) {
    *closure->mutable_started_at() = TimeUtil::MillisecondsToTimestamp(node.started_at);
    const int64_t end = IsTerminal(node.phase) ? node.updated_at : node.started_at;
    *closure->mutable_duration() = TimeUtil::MillisecondsToDuration(std::max<int64_t>(0, end - node.started_at));
  }
  // flytekit writes deck.html next to the outputs when the task has decks enabled.
  const std::string deck = AttemptDir(run.key, node.id, attempt) + "/deck.html";
  if (IsTerminal(node.phase) && blobs.Size(deck).ok()) closure->set_deck_uri(blobs.NativeUrl(deck).value_or(""));
  if (node.phase == NodePhase::kSucceeded) {
    closure->set_output_uri(blobs.NativeUrl(AttemptDir(run.key, node.id, attempt) + "/outputs.pb").value_or(""));
  } else if (node.error) {
    *closure->mutable_error() = *node.error;
  }
  if (node.spec != nullptr && node.spec->has_task_node()) {
    auto* task = closure->mutable_task_node_metadata();
    task->set_cache_status(node.cache_status != 0 ? static_cast<flyteidl::core::CatalogCacheStatus>(node.cache_status)
                                                  : flyteidl::core::CACHE_DISABLED);
    if (node.cache_key) {
      *task->mutable_catalog_key() = CatalogMetadataOf(*node.cache_key, run.key.project, run.key.domain);
      if (node.cache_source.has_task_id()) {
        *task->mutable_catalog_key()->mutable_source_task_execution() = node.cache_source;
      }
    }
  }
  if (!node.child_execution.empty()) {
    auto* child = closure->mutable_workflow_node_metadata()->mutable_executionid();
    child->set_project(run.key.project);
    child->set_domain(run.key.domain);
    child->set_name(node.child_execution);
  }

  auto* metadata = record.mutable_metadata();
  metadata->set_retry_group(std::to_string(attempt));
  metadata->set_spec_node_id(node.spec != nullptr ? node.spec->id() : node.id);
  metadata->set_is_array(node.kind == NodeKind::kArray);
  metadata->set_is_parent_node(dynamic || node.kind == NodeKind::kBranch || node.kind == NodeKind::kSubWorkflow);
  metadata->set_is_dynamic(dynamic);
  return record;
}

flyteidl::admin::TaskExecution NewTaskRecord(const ExecutionRun& run, const NodeRun& node, int attempt,
                                             const flyteidl::core::Identifier& task_id, const std::string& task_type,
                                             const std::string& input_uri, const std::string& log_url, int64_t now) {
  flyteidl::admin::TaskExecution record;
  auto* id = record.mutable_id();
  *id->mutable_task_id() = task_id;
  id->mutable_node_execution_id()->set_node_id(node.id);
  auto* execution_id = id->mutable_node_execution_id()->mutable_execution_id();
  execution_id->set_project(run.key.project);
  execution_id->set_domain(run.key.domain);
  execution_id->set_name(run.key.name);
  id->set_retry_attempt(static_cast<uint32_t>(attempt));
  record.set_input_uri(input_uri);
  auto* closure = record.mutable_closure();
  closure->set_phase(flyteidl::core::TaskExecution::RUNNING);
  Metrics().task_phases.Count(flyteidl::core::TaskExecution::RUNNING);
  closure->set_task_type(task_type);
  *closure->mutable_created_at() = TimeUtil::MillisecondsToTimestamp(now);
  *closure->mutable_started_at() = TimeUtil::MillisecondsToTimestamp(now);
  *closure->mutable_updated_at() = TimeUtil::MillisecondsToTimestamp(now);
  auto* log = closure->add_logs();
  log->set_name("Task log");
  log->set_uri(log_url);
  log->set_message_format(flyteidl::core::TaskLog::UNKNOWN);
  return record;
}

void FinishTaskRecord(flyteidl::admin::TaskExecution& record, flyteidl::core::TaskExecution::Phase phase,
                      const std::string& output_uri, const flyteidl::core::ExecutionError* error, int64_t now) {
  auto* closure = record.mutable_closure();
  if (closure->phase() != phase) Metrics().task_phases.Count(phase);
  closure->set_phase(phase);
  if (error != nullptr) {
    *closure->mutable_error() = *error;
  } else if (!output_uri.empty()) {
    closure->set_output_uri(output_uri);
  }
  *closure->mutable_updated_at() = TimeUtil::MillisecondsToTimestamp(now);
  const int64_t started = TimeUtil::TimestampToMilliseconds(closure->started_at());
  *closure->mutable_duration() = TimeUtil::MillisecondsToDuration(std::max<int64_t>(0, now - started));
}

}  // namespace flyte::engine
