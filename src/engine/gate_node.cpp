// Gate nodes: sleep (until started_at + duration: the wake time survives restarts), approve (a
// boolean signal; the node's inputs pass through) and signal (the typed value becomes the output
// `output_variable_name`). Signals are declared in the signal store when the gate starts, set
// through SignalService, and the API wakes the execution when one is set.
#include "engine/gate_node.h"

#include <google/protobuf/util/time_util.h>

#include "engine/node_handler.h"
#include "engine/run_graph.h"
#include "engine/run_loader.h"

namespace flyte::engine {
namespace {

using google::protobuf::util::TimeUtil;

flyteidl::core::SignalIdentifier SignalIdOf(const ExecutionRun& run, const std::string& signal_id) {
  flyteidl::core::SignalIdentifier id;
  id.set_signal_id(signal_id);
  id.mutable_execution_id()->set_project(run.key.project);
  id.mutable_execution_id()->set_domain(run.key.domain);
  id.mutable_execution_id()->set_name(run.key.name);
  return id;
}

// The signal a gate waits for, with the type its value must have; none for sleep gates.
std::optional<std::pair<std::string, flyteidl::core::LiteralType>> SignalOf(const flyteidl::core::GateNode& gate) {
  if (gate.has_approve()) {
    flyteidl::core::LiteralType boolean;
    boolean.set_simple(flyteidl::core::BOOLEAN);
    return std::make_pair(gate.approve().signal_id(), boolean);
  }
  if (gate.has_signal()) return std::make_pair(gate.signal().signal_id(), gate.signal().type());
  return std::nullopt;
}

// Declares the gate's signal (or notes its wake time) and waits.
void StartGate(const StepContext& context, ExecutionRun& run, NodeRun& node) {
  const auto& gate = node.spec->gate_node();
  if (gate.has_sleep()) {
    run.sleeping.insert(node.id);
  } else if (auto signal = SignalOf(gate)) {
    auto declared = context.signals.GetOrCreate(SignalIdOf(run, signal->first), signal->second);
    if (!declared.ok()) {
      FailNode(run, node,
               SystemError("SignalNotCreated", "gate " + node.spec->id() + ": signal \"" + signal->first +
                                                   "\": " + std::string(declared.status().message())),
               context.clock.NowMillis());
      return;
    }
    run.waiting.insert(node.id);
  } else {
    FailNode(run, node, SystemError("GateNotSupported", "gate " + node.spec->id() + " has no condition"),
             context.clock.NowMillis());
    return;
  }
  // Already due (a restart, or a signal set before the gate was reached): look in this step.
  MarkForLook(run, node);
}

// Finishes the gate once its time has come or its signal is set.
void AdvanceGate(const StepContext& context, ExecutionRun& run, NodeRun& node) {
  const auto& gate = node.spec->gate_node();
  const int64_t now = context.clock.NowMillis();
  if (gate.has_sleep()) {
    if (now >= GateWakeTime(node)) SucceedWithOutputs(context, run, node, {}, now);
    return;
  }
  auto signal = SignalOf(gate);
  if (!signal) return;
  auto stored = context.signals.Get(SignalIdOf(run, signal->first));
  if (!stored.ok() || !stored->has_value()) return;
  if (gate.has_signal()) {
    flyteidl::core::LiteralMap outputs;
    (*outputs.mutable_literals())[gate.signal().output_variable_name()] = stored->value();
    SucceedWithOutputs(context, run, node, std::move(outputs), now);
    return;
  }
  if (!stored->value().scalar().primitive().boolean()) {
    FailNode(run, node, UserError("ApprovalRejected", "gate " + node.spec->id() + " was rejected"), now);
    return;
  }
  // Approved: the node's inputs pass through.
  SucceedWithOutputs(context, run, node, StoredInputs(context, run, node), now);
}

class GateHandler final : public NodeHandler {
 public:
  void Start(const StepContext& context, ExecutionRun& run, NodeRun& node, flyteidl::core::LiteralMap,
             std::vector<Effect>&) const override {
    StartGate(context, run, node);
  }
  void Advance(const StepContext& context, ExecutionRun& run, NodeRun& node, std::vector<Effect>&) const override {
    AdvanceGate(context, run, node);
  }
  // Nothing runs: a gate only waits.
  void Abort(const StepContext&, ExecutionRun&, NodeRun&, std::vector<Effect>&, int64_t) const override {}
  // The wake time is kept (started_at) and so is the signal: waiting again picks up either.
  void Restore(RunRestore& restore, NodeRun& node) const override { StartGate(restore.context, restore.run, node); }
  bool CountsForParallelism() const override { return false; }
};

}  // namespace

const NodeHandler& GateNodeHandler() { return HandlerInstance<GateHandler>(); }

int64_t GateWakeTime(const NodeRun& node) {
  return node.started_at + TimeUtil::DurationToMilliseconds(node.spec->gate_node().sleep().duration());
}

void WakeSleepers(const StepContext& context, ExecutionRun& run) {
  const int64_t now = context.clock.NowMillis();
  for (const auto& id : run.sleeping) {
    const NodeRun& node = run.nodes.at(id);
    if (now >= GateWakeTime(node)) MarkForLook(run, node);
  }
}

}  // namespace flyte::engine
