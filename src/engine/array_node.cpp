// Array nodes (`map_task`): one item per element of the mapped inputs, each running the sub-node's
// task as its own attempts (with FLYTE_K8S_ARRAY_INDEX telling pyflyte-map-execute which element
// is its), at most `parallelism` at once. The array succeeds once every item has finished and at
// least min_successes succeeded (failing early when that can no longer happen); its outputs are the
// items' outputs gathered in index order (none for a failed item). Progress is counted as items
// change; the array's task record (one external resource per item) is rebuilt at most once a second.
#include "engine/array_node.h"

#include <google/protobuf/util/time_util.h>

#include <cmath>

#include "engine/data_layout.h"
#include "engine/engine_metrics.h"
#include "engine/node_handler.h"
#include "engine/records.h"
#include "engine/run_graph.h"
#include "engine/run_loader.h"
#include "engine/scope_walk.h"
#include "engine/task_node.h"

namespace flyte::engine {
namespace {

constexpr int64_t kRecordIntervalMillis = 1000;
constexpr std::string_view kItemPrefix = "-0-n";

std::string ItemId(const NodeRun& array, int index) { return ChildId(array.id, "n" + std::to_string(index)); }

NodeRun& AddItem(ExecutionRun& run, const NodeRun& array, int index, int64_t now) {
  const std::string id = ItemId(array, index);
  NodeRun& item = run.nodes[id];
  item.id = id;
  item.parent_id = array.id;
  SetSpec(item, &array.spec->array_node().node());
  item.scope = array.scope;
  item.array_index = index;
  if (item.created_at == 0) item.created_at = now;
  return item;
}

// Every input not bound to all items is a collection, all of one length: the array's size.
StatusOr<int> ArraySize(const flyteidl::core::ArrayNode& spec, const flyteidl::core::LiteralMap& inputs) {
  std::optional<int> size;
  std::string first;
  for (const auto& [name, literal] : inputs.literals()) {
    if (std::find(spec.bound_inputs().begin(), spec.bound_inputs().end(), name) != spec.bound_inputs().end()) continue;
    if (!literal.has_collection()) {
      return absl::InvalidArgumentError("input \"" + name + "\" of the map task is not a list");
    }
    const int length = literal.collection().literals_size();
    if (size && *size != length) {
      return absl::InvalidArgumentError("inputs of the map task have different lengths: \"" + first + "\" has " +
                                        std::to_string(*size) + " items, \"" + name + "\" has " +
                                        std::to_string(length));
    }
    size = length;
    first = name;
  }
  return size.value_or(1);  // every input bound: one item
}

// Sizes the array and sets its success criteria and parallelism.
Status InitArray(ExecutionRun& run, NodeRun& node, const flyteidl::core::LiteralMap& inputs) {
  const auto& spec = node.spec->array_node();
  ASSIGN_OR_RETURN(const int size, ArraySize(spec, inputs));
  auto state = std::make_unique<ArrayState>();
  state->size = size;
  if (spec.success_criteria_case() == flyteidl::core::ArrayNode::kMinSuccesses) {
    state->min_successes = std::min<int>(size, static_cast<int>(spec.min_successes()));
  } else if (spec.success_criteria_case() == flyteidl::core::ArrayNode::kMinSuccessRatio) {
    state->min_successes = static_cast<int>(std::ceil(spec.min_success_ratio() * static_cast<float>(size)));
  } else {
    state->min_successes = size;
  }
  // Unset: the execution's max_parallelism (not thousands of local processes at once).
  state->parallelism = spec.parallelism_option_case() == flyteidl::core::ArrayNode::kParallelism
                           ? static_cast<int>(spec.parallelism())
                           : run.record.spec().max_parallelism();
  node.array = std::move(state);
  return absl::OkStatus();
}

flyteidl::core::TaskExecution::Phase ItemPhase(const NodeRun& item) {
  switch (item.phase) {
    case NodePhase::kSucceeded:
      return flyteidl::core::TaskExecution::SUCCEEDED;
    case NodePhase::kFailed:
    case NodePhase::kTimedOut:
      return flyteidl::core::TaskExecution::FAILED;
    case NodePhase::kAborted:
    case NodePhase::kSkipped:
      return flyteidl::core::TaskExecution::ABORTED;
    case NodePhase::kRunning:
      return flyteidl::core::TaskExecution::RUNNING;
    case NodePhase::kNotYetStarted:
      return flyteidl::core::TaskExecution::QUEUED;
  }
  return flyteidl::core::TaskExecution::UNDEFINED;
}

// The array's one task record, listing each started item (phase, attempt, logs) as FlyteConsole
// shows map tasks.
void WriteArrayRecord(const StepContext& context, ExecutionRun& run, NodeRun& node, int64_t now) {
  const auto* task = FindTask(run, node.spec->array_node().node().task_node().reference_id());
  if (task == nullptr) return;
  auto& record = node.task_records[0];
  if (!record.has_id()) {
    record = NewTaskRecord(run, node, 0, task->id(), task->type(),
                           context.blobs.NativeUrl(NodeInputsKey(run.key, node.id)).value_or(""), "", now);
    record.mutable_closure()->clear_logs();
  }
  auto* resources = record.mutable_closure()->mutable_metadata()->mutable_external_resources();
  resources->Clear();
  for (int i = 0; i < node.array->next; ++i) {
    auto found = run.nodes.find(ItemId(node, i));
    if (found == run.nodes.end()) continue;
    const NodeRun& item = found->second;
    auto* resource = resources->Add();
    resource->set_external_id(item.id);
    resource->set_index(static_cast<uint32_t>(i));
    resource->set_retry_attempt(static_cast<uint32_t>(std::max(0, item.attempts - 1)));
    resource->set_phase(ItemPhase(item));
    if (auto last = item.task_records.rbegin(); last != item.task_records.rend()) {
      *resource->mutable_logs() = last->second.closure().logs();
    }
  }
  *record.mutable_closure()->mutable_updated_at() = google::protobuf::util::TimeUtil::MillisecondsToTimestamp(now);
  run.dirty_attempts.insert({node.id, 0});
  node.array->record_written_at = now;
}

void StartItem(const StepContext& context, ExecutionRun& run, NodeRun& array, std::vector<Effect>& effects,
               int64_t now) {
  NodeRun& item = AddItem(run, array, array.array->next++, now);
  item.phase = NodePhase::kRunning;
  Metrics().node_phases.Count(flyteidl::core::NodeExecution::RUNNING);
  item.started_at = now;
  array.array->running += 1;
  Touch(run, item, now);
  StartAttempt(context, run, item, effects);
}

// The items' outputs as collections in index order; a failed item contributes none.
flyteidl::core::LiteralMap Gather(const ExecutionRun& run, const NodeRun& array,
                                  const flyteidl::core::TaskTemplate& task) {
  flyteidl::core::LiteralMap out;
  for (const auto& [name, variable] : task.interface().outputs().variables()) {
    auto* collection = (*out.mutable_literals())[name].mutable_collection();
    for (int i = 0; i < array.array->size; ++i) {
      auto* element = collection->add_literals();
      auto item = run.nodes.find(ItemId(array, i));
      if (item != run.nodes.end() && item->second.outputs && item->second.outputs->literals().contains(name)) {
        *element = item->second.outputs->literals().at(name);
      } else {
        element->mutable_scalar()->mutable_none_type();
      }
    }
  }
  return out;
}

void FinishArray(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects,
                 int64_t now) {
  const ArrayState& state = *node.array;
  const auto* task = FindTask(run, node.spec->array_node().node().task_node().reference_id());
  const bool succeeded = state.succeeded >= state.min_successes && task != nullptr;
  for (int i = 0; i < state.next; ++i) {
    if (auto item = run.nodes.find(ItemId(node, i)); item != run.nodes.end()) {
      AbortNode(context, run, item->second, effects, now);
    }
  }
  WriteArrayRecord(context, run, node, now);
  if (succeeded) {
    const std::string outputs = SucceedWithOutputs(context, run, node, Gather(run, node, *task), now);
    if (outputs.empty()) {
      FinishTaskRecord(node.task_records[0], flyteidl::core::TaskExecution::FAILED, "", &*node.error, now);
    } else {
      FinishTaskRecord(node.task_records[0], flyteidl::core::TaskExecution::SUCCEEDED,
                       context.blobs.NativeUrl(outputs).value_or(""), nullptr, now);
    }
    return;
  }
  node.attempts = std::max(node.attempts, 1);
  auto error = UserError("ArrayNodeFailed", std::to_string(state.failed) + " of " + std::to_string(state.size) +
                                                " items failed; at least " + std::to_string(state.min_successes) +
                                                " had to succeed");
  FinishTaskRecord(node.task_records[0], flyteidl::core::TaskExecution::FAILED, "", &error, now);
  FailNode(run, node, std::move(error), now);
}

// Starts more items as others finish; finishes the array by its success criteria.
void AdvanceArray(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects) {
  ArrayState& state = *node.array;
  const int64_t now = context.clock.NowMillis();
  if (state.size - state.failed < state.min_successes || (state.next == state.size && state.running == 0)) {
    return FinishArray(context, run, node, effects, now);
  }
  while (state.next < state.size && (state.parallelism <= 0 || state.running < state.parallelism)) {
    StartItem(context, run, node, effects, now);
  }
  if (now - state.record_written_at >= kRecordIntervalMillis) WriteArrayRecord(context, run, node, now);
  // Items that failed at once (no task to run) finished above: look again in this step.
  if (state.size - state.failed < state.min_successes || (state.next == state.size && state.running == 0)) {
    MarkForLook(run, node);
  }
}

// Checks the array's inputs, sizes it and starts its first items.
void StartArray(const StepContext& context, ExecutionRun& run, NodeRun& node, const flyteidl::core::LiteralMap& inputs,
                std::vector<Effect>& effects) {
  const int64_t now = context.clock.NowMillis();
  if (Status sized = InitArray(run, node, inputs); !sized.ok()) {
    FailNode(run, node, UserError("InvalidArrayLength", std::string(sized.message())), now);
    return;
  }
  AdvanceArray(context, run, node, effects);
}

// Rebuilds a running array and adds its (not yet restored) items, by their stored ids.
void RestoreArray(const StepContext& context, ExecutionRun& run, NodeRun& node,
                  const flyteidl::core::LiteralMap& inputs, const std::vector<std::string>& item_ids) {
  const int64_t now = context.clock.NowMillis();
  if (!InitArray(run, node, inputs).ok()) return MarkForLook(run, node);
  for (const auto& id : item_ids) {
    const size_t at = id.rfind(kItemPrefix);
    if (at == std::string::npos) continue;
    const int index = std::stoi(id.substr(at + kItemPrefix.size()));
    AddItem(run, node, index, now);
    node.array->next = std::max(node.array->next, index + 1);
  }
  MarkForLook(run, node);
}

// Counts an item in its array by its stored phase, before the item itself is restored.
void CountRestoredItem(ExecutionRun& run, const NodeRun& item, NodePhase stored) {
  ArrayState* state = run.nodes.at(item.parent_id).array.get();
  if (state == nullptr) return;
  if (stored == NodePhase::kSucceeded) {
    state->succeeded += 1;
  } else if (stored == NodePhase::kRunning) {
    state->running += 1;  // NoteItemFinished takes it off when it ends
  } else if (stored != NodePhase::kAborted) {
    state->failed += 1;
  }
}

class ArrayHandler final : public NodeHandler {
 public:
  void Start(const StepContext& context, ExecutionRun& run, NodeRun& node, flyteidl::core::LiteralMap inputs,
             std::vector<Effect>& effects) const override {
    StartArray(context, run, node, inputs, effects);
  }
  void Advance(const StepContext& context, ExecutionRun& run, NodeRun& node,
               std::vector<Effect>& effects) const override {
    if (node.array) AdvanceArray(context, run, node, effects);
  }
  void Abort(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>& effects,
             int64_t now) const override {
    if (!node.array) return;
    for (auto& [id, item] : run.nodes) {
      if (item.parent_id == node.id) AbortNode(context, run, item, effects, now);
    }
  }
  void Restore(RunRestore& restore, NodeRun& node) const override {
    ExecutionRun& run = restore.run;
    LoadTaskRecords(restore.context, run, node);
    std::vector<std::string> item_ids;
    for (const auto& [id, child_row] : restore.rows) {
      if (child_row.parent_id == node.id) item_ids.push_back(id);
    }
    RestoreArray(restore.context, run, node, StoredInputs(restore.context, run, node), item_ids);
    for (const auto& id : item_ids) {
      // Counted as stored first: restoring may finish the item (its process ended meanwhile).
      CountRestoredItem(
          run, run.nodes[id],
          FromNodeExecutionPhase(static_cast<flyteidl::core::NodeExecution::Phase>(restore.rows.at(id).phase)));
      restore.RestoreNode(run.nodes[id]);
    }
  }
  bool CountsForParallelism() const override { return true; }
};

}  // namespace

const NodeHandler& ArrayNodeHandler() { return HandlerInstance<ArrayHandler>(); }

void NoteItemFinished(ExecutionRun& run, const NodeRun& item) {
  ArrayState* state = run.nodes.at(item.parent_id).array.get();
  if (state == nullptr) return;
  state->running -= 1;
  if (item.phase == NodePhase::kSucceeded) {
    state->succeeded += 1;
  } else if (item.phase != NodePhase::kAborted) {
    state->failed += 1;
  }
}

}  // namespace flyte::engine
