// The executor step by step for each node kind, with a fake plugin and a fake clock.
#include "engine/step_runner.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include "common/metrics.h"
#include "engine/engine_metrics.h"
#include "fakes/engine_driver.h"
#include "fakes/flyteidl_values.h"
#include "flyteidl/core/dynamic_job.pb.h"

namespace flyte::testing {
namespace {

using NodePhase = core::NodeExecution;
using WorkflowPhase = core::WorkflowExecution;

core::LiteralType IntType() { return SimpleType(core::INTEGER); }
core::LiteralType IntList() {
  core::LiteralType type;
  *type.mutable_collection_type() = IntType();
  return type;
}

core::Identifier EntityId(core::ResourceType type, const std::string& name) {
  core::Identifier id;
  id.set_resource_type(type);
  id.set_project("p");
  id.set_domain("d");
  id.set_name(name);
  id.set_version("v1");
  return id;
}

// A task `name(x) -> o0` of the given types, registered with the driver's resolver.
core::TaskTemplate AddTask(EngineDriver& driver, const std::string& name, const core::LiteralType& type = IntType()) {
  core::TaskTemplate task;
  *task.mutable_id() = EntityId(core::TASK, name);
  task.set_type("python-task");
  task.mutable_container()->add_args("true");
  (*task.mutable_interface()->mutable_inputs()->mutable_variables())["x"].mutable_type()->CopyFrom(type);
  (*task.mutable_interface()->mutable_outputs()->mutable_variables())["o0"].mutable_type()->CopyFrom(type);
  driver.resolver.AddTask(task);
  return task;
}

// A registered launch plan `name(x: int) -> o0: int`.
core::Identifier AddLaunchPlan(EngineDriver& driver, const std::string& name) {
  engine::LaunchPlanInterface plan;
  (*plan.inputs.mutable_parameters())["x"].mutable_var()->mutable_type()->CopyFrom(IntType());
  (*plan.outputs.mutable_variables())["o0"].mutable_type()->CopyFrom(IntType());
  driver.resolver.AddLaunchPlan(EntityId(core::LAUNCH_PLAN, name), plan);
  return EntityId(core::LAUNCH_PLAN, name);
}

void Bind(core::Node& node, const std::string& var, const std::string& from_node, const std::string& from_var) {
  auto* binding = node.add_inputs();
  binding->set_var(var);
  binding->mutable_binding()->mutable_promise()->set_node_id(from_node);
  binding->mutable_binding()->mutable_promise()->set_var(from_var);
  if (from_node != "start-node") node.add_upstream_node_ids(from_node);
}

core::Node& AddTaskNode(core::WorkflowTemplate& workflow, const std::string& id, const core::TaskTemplate& task,
                        const std::string& from_node = "start-node", const std::string& from_var = "x") {
  core::Node& node = *workflow.add_nodes();
  node.set_id(id);
  *node.mutable_task_node()->mutable_reference_id() = task.id();
  Bind(node, "x", from_node, from_var);
  return node;
}

// A workflow `(x: type) -> o0` returning `output_node`.o0 (no output when empty).
core::WorkflowTemplate Workflow(const std::string& name, const std::string& output_node,
                                const core::LiteralType& type = IntType()) {
  core::WorkflowTemplate workflow;
  *workflow.mutable_id() = EntityId(core::WORKFLOW, name);
  (*workflow.mutable_interface()->mutable_inputs()->mutable_variables())["x"].mutable_type()->CopyFrom(type);
  if (!output_node.empty()) {
    (*workflow.mutable_interface()->mutable_outputs()->mutable_variables())["o0"].mutable_type()->CopyFrom(type);
    auto* output = workflow.add_outputs();
    output->set_var("o0");
    output->mutable_binding()->mutable_promise()->set_node_id(output_node);
    output->mutable_binding()->mutable_promise()->set_var("o0");
  }
  return workflow;
}

// A map task node "map" over the workflow input x with `task`.
core::ArrayNode& AddArrayNode(core::WorkflowTemplate& workflow, const core::TaskTemplate& task) {
  core::Node& node = *workflow.add_nodes();
  node.set_id("map");
  Bind(node, "x", "start-node", "x");
  core::ArrayNode& array = *node.mutable_array_node();
  array.mutable_node()->set_id("map");
  *array.mutable_node()->mutable_task_node()->mutable_reference_id() = task.id();
  return array;
}

core::Literal IntRange(int n) {
  core::Literal list;
  for (int i = 0; i < n; ++i) *list.mutable_collection()->add_literals() = IntLiteral(i);
  return list;
}

core::LiteralMap Map(const std::string& name, const core::Literal& value) {
  core::LiteralMap map;
  (*map.mutable_literals())[name] = value;
  return map;
}
core::LiteralMap IntMap(int64_t value) { return Map("o0", IntLiteral(value)); }

// A workflow `(x) -> o0` of one node, n0, running task "t" with one retry.
core::WorkflowTemplate RetriedTaskWorkflow(EngineDriver& driver) {
  auto task = AddTask(driver, "t");
  task.mutable_metadata()->mutable_retries()->set_retries(1);
  driver.resolver.AddTask(task);
  auto workflow = Workflow("wf", "n0");
  AddTaskNode(workflow, "n0", task);
  return workflow;
}

// How many entered `phase` so far, by the engine's counters (`kind`: execution, node, task_attempt).
double Transitions(const std::string& kind, const std::string& phase) {
  return metrics::Default()
      .AddCounter("flyte_engine_" + kind + "_phase_transitions_total", "", {"phase"})
      .With({phase})
      .Value();
}

TEST_CASE(
    "a recoverable user error is retried; the retry's outputs become the workflow's; each phase is counted once") {
  const std::vector<std::pair<std::string, std::string>> counted{
      {"execution", "RUNNING"},    {"execution", "SUCCEEDED"}, {"node", "RUNNING"},          {"node", "SUCCEEDED"},
      {"task_attempt", "RUNNING"}, {"task_attempt", "FAILED"}, {"task_attempt", "SUCCEEDED"}};
  std::map<std::pair<std::string, std::string>, double> before;
  for (const auto& counter : counted) before[counter] = Transitions(counter.first, counter.second);
  const uint64_t steps_before = engine::Metrics().step_seconds.Read().cumulative.back();

  EngineDriver driver;
  const auto workflow = RetriedTaskWorkflow(driver);
  const auto key = driver.Launch("e1", workflow, Map("x", IntLiteral(3)));
  REQUIRE(driver.Attempts("n0").size() == 1);
  CHECK(driver.Execution(key).closure().phase() == WorkflowPhase::RUNNING);

  driver.Fail(driver.Attempts("n0")[0], "flaky", /*recoverable=*/true);
  REQUIRE(driver.Attempts("n0").size() == 2);
  CHECK(driver.Attempts("n0")[1].attempt == 1);
  driver.Succeed(driver.Attempts("n0")[1], IntMap(9));
  CHECK(driver.Execution(key).closure().phase() == WorkflowPhase::SUCCEEDED);
  CHECK(IntOf(driver.Outputs(key)) == 9);
  CHECK(driver.Node(key, "n0").closure().phase() == NodePhase::SUCCEEDED);

  // The engine's metrics: steps that had work are timed, an idle wake-up is not a step.
  const uint64_t busy_steps = engine::Metrics().step_seconds.Read().cumulative.back() - steps_before;
  CHECK(busy_steps >= 3);  // launch, the failed attempt, the successful one
  driver.clock.Advance(std::chrono::seconds(5));
  driver.Step();
  CHECK(engine::Metrics().step_seconds.Read().cumulative.back() - steps_before == busy_steps);
  std::map<std::pair<std::string, std::string>, double> entered;
  for (const auto& counter : counted) entered[counter] = Transitions(counter.first, counter.second) - before[counter];
  CHECK(entered[{"execution", "RUNNING"}] == 1);
  CHECK(entered[{"execution", "SUCCEEDED"}] == 1);
  CHECK(entered[{"node", "RUNNING"}] == 1);  // a retry is a new attempt of the same running node
  CHECK(entered[{"node", "SUCCEEDED"}] == 1);
  CHECK(entered[{"task_attempt", "RUNNING"}] == 2);
  CHECK(entered[{"task_attempt", "FAILED"}] == 1);
  CHECK(entered[{"task_attempt", "SUCCEEDED"}] == 1);
}

TEST_CASE("raw data goes under the execution's raw_output_data_config, else the configured prefix, else the store") {
  EngineDriver driver;
  const auto workflow = RetriedTaskWorkflow(driver);
  auto last_of = [&](const std::string& execution) {
    plugins::TaskAttempt last;
    for (const auto& attempt : driver.Started()) {
      if (attempt.execution_name == execution) last = attempt;
    }
    return last;
  };
  driver.Launch("e0", workflow, Map("x", IntLiteral(3)));
  CHECK(last_of("e0").raw_output_prefix == *driver.blobs().NativeUrl("raw/p/d/e0/n0/0"));

  driver.config().raw_data_prefix = "s3://my-s3-bucket/data";
  driver.config().buckets_dir = "/state/blobs";
  driver.Restart();
  driver.Launch("e1", workflow, Map("x", IntLiteral(3)));
  const plugins::TaskAttempt first = last_of("e1");
  CHECK(first.raw_output_prefix == "s3://my-s3-bucket/data/p/d/e1/n0/0");
  CHECK(first.checkpoint_prefix == "s3://my-s3-bucket/data/p/d/e1/n0/0/_flytecheckpoints");
  CHECK(first.buckets_dir == "/state/blobs");
  driver.Fail(first, "flaky", /*recoverable=*/true);
  CHECK(last_of("e1").prev_checkpoint_prefix == "s3://my-s3-bucket/data/p/d/e1/n0/0/_flytecheckpoints");

  flyteidl::admin::ExecutionSpec spec;
  spec.mutable_raw_output_data_config()->set_output_location_prefix("s3://other/x/");  // pyflyte run's flag
  driver.Launch("e2", workflow, Map("x", IntLiteral(3)), spec);
  CHECK(last_of("e2").raw_output_prefix == "s3://other/x/p/d/e2/n0/0");
}

TEST_CASE("interruptible attempts are recorded as such, except the last one a node has") {
  EngineDriver driver;
  auto workflow = RetriedTaskWorkflow(driver);
  workflow.mutable_nodes(0)->mutable_metadata()->set_interruptible(true);
  const auto key = driver.Launch("e1", workflow, Map("x", IntLiteral(3)));
  auto instance_class = [&](int attempt) {
    auto row = driver.stores().executions->GetTaskExecution(key, "n0", attempt);
    REQUIRE(row.ok());
    flyteidl::admin::TaskExecution record;
    record.ParseFromString(row->payload);
    return record.closure().metadata().instance_class();
  };
  CHECK(instance_class(0) == flyteidl::event::TaskExecutionMetadata::INTERRUPTIBLE);
  driver.Fail(driver.Attempts("n0")[0], "preempted", /*recoverable=*/true);
  CHECK(instance_class(1) == flyteidl::event::TaskExecutionMetadata::DEFAULT);
}

TEST_CASE("a non-recoverable user error fails the workflow with the exception's message") {
  EngineDriver driver;
  auto workflow = Workflow("wf", "n0");
  AddTaskNode(workflow, "n0", AddTask(driver, "t"));
  const auto key = driver.Launch("e1", workflow, Map("x", IntLiteral(3)));
  driver.Fail(driver.Attempts("n0")[0], "bad input");
  const auto execution = driver.Execution(key);
  CHECK(execution.closure().phase() == WorkflowPhase::FAILED);
  CHECK(execution.closure().error().message().find("bad input") != std::string::npos);
  CHECK(driver.Attempts("n0").size() == 1);
}

TEST_CASE("a timed-out attempt is retried, and past twice the timeout the node times out for good") {
  EngineDriver driver;
  auto task = AddTask(driver, "slow");
  task.mutable_metadata()->mutable_retries()->set_retries(5);
  task.mutable_metadata()->mutable_timeout()->set_seconds(10);
  driver.resolver.AddTask(task);
  auto workflow = Workflow("wf", "n0");
  AddTaskNode(workflow, "n0", task);
  const auto key = driver.Launch("e1", workflow, Map("x", IntLiteral(1)));

  driver.clock.Advance(std::chrono::seconds(9));
  driver.Step();
  CHECK(driver.plugin().aborted.empty());
  driver.clock.Advance(std::chrono::seconds(1));
  driver.Step();
  REQUIRE(driver.plugin().aborted.size() == 1);
  driver.plugin().Exit(driver.Attempts("n0")[0].id, 128 + 15);
  driver.Step();
  REQUIRE(driver.Attempts("n0").size() == 2);  // TimeoutExpired is retryable

  driver.clock.Advance(std::chrono::seconds(10));  // 20 s since the node started: its active deadline
  driver.Step();
  REQUIRE(driver.plugin().aborted.size() == 2);
  driver.plugin().Exit(driver.Attempts("n0")[1].id, 128 + 15);
  driver.Step();
  CHECK(driver.Attempts("n0").size() == 2);
  CHECK(driver.Node(key, "n0").closure().phase() == NodePhase::TIMED_OUT);
  CHECK(driver.Execution(key).closure().phase() == WorkflowPhase::FAILED);
}

TEST_CASE("max_parallelism holds back ready task nodes until one finishes") {
  EngineDriver driver;
  const auto task = AddTask(driver, "t");
  auto workflow = Workflow("wf", "");
  for (int i = 0; i < 5; ++i) AddTaskNode(workflow, "n" + std::to_string(i), task);
  flyteidl::admin::ExecutionSpec spec;
  spec.set_max_parallelism(2);
  driver.Launch("e1", workflow, Map("x", IntLiteral(1)), spec);
  CHECK(driver.Started().size() == 2);
  driver.Succeed(driver.Started()[0], IntMap(1));
  CHECK(driver.Started().size() == 3);
  CHECK(driver.plugin().Running() == 2);
}

TEST_CASE("an array node runs its items with their index, at most `parallelism` at once, and gathers in order") {
  EngineDriver driver;
  const auto task = AddTask(driver, "double", IntList());
  auto workflow = Workflow("wf", "map", IntList());
  core::ArrayNode& map = AddArrayNode(workflow, task);
  map.set_parallelism(2);
  map.set_min_successes(4);
  const auto key = driver.Launch("e1", workflow, Map("x", IntRange(5)));

  REQUIRE(driver.Started().size() == 2);
  CHECK(driver.Started()[0].env.at("FLYTE_K8S_ARRAY_INDEX") == "0");
  CHECK(driver.Started()[1].env.at("FLYTE_K8S_ARRAY_INDEX") == "1");
  CHECK(driver.Started()[0].inputs_path == driver.Started()[1].inputs_path);  // the array's inputs.pb
  driver.Fail(driver.Started()[1], "item 1 fails");
  for (size_t next = 0; next < driver.Started().size(); ++next) {
    const auto attempt = driver.Started()[next];
    if (next == 1) continue;
    const int index = std::stoi(attempt.env.at("FLYTE_K8S_ARRAY_INDEX"));
    CHECK(driver.plugin().Running() <= 2);
    driver.Succeed(attempt, IntMap(index * 2));
  }
  CHECK(driver.Started().size() == 5);
  CHECK(driver.Execution(key).closure().phase() == WorkflowPhase::SUCCEEDED);
  const auto outputs = driver.Outputs(key);
  const auto& gathered = outputs.literals().at("o0").collection().literals();
  REQUIRE(gathered.size() == 5);
  CHECK(gathered[0].scalar().primitive().integer() == 0);
  CHECK(gathered[1].scalar().has_none_type());
  CHECK(gathered[4].scalar().primitive().integer() == 8);
  CHECK(driver.Node(key, "map").metadata().is_array());
}

TEST_CASE("an array node picks up after a restart: finished items keep their outputs, lost ones run again") {
  EngineDriver driver;
  const auto task = AddTask(driver, "double", IntList());
  auto workflow = Workflow("wf", "map", IntList());
  AddArrayNode(workflow, task);
  const auto key = driver.Launch("e1", workflow, Map("x", IntRange(3)));
  REQUIRE(driver.Started().size() == 3);
  driver.Succeed(driver.Started()[0], IntMap(100));
  driver.Restart();  // items 1 and 2 never started, the fake plugin says: they start now
  driver.Step();
  REQUIRE(driver.Started().size() == 5);
  CHECK(driver.Started()[3].attempt == 0);
  CHECK(driver.Started()[3].token == driver.Started()[1].token);
  driver.Succeed(driver.Started()[3], IntMap(101));
  driver.Succeed(driver.Started()[4], IntMap(102));
  REQUIRE(driver.Execution(key).closure().phase() == WorkflowPhase::SUCCEEDED);
  const auto outputs = driver.Outputs(key);
  const auto& gathered = outputs.literals().at("o0").collection().literals();
  REQUIRE(gathered.size() == 3);
  CHECK(gathered[0].scalar().primitive().integer() == 100);
  CHECK(gathered[2].scalar().primitive().integer() == 102);
}

// After a restart the engine asks the plugin what became of each launch it had stored (see
// plugins/plugin.h): never started, running, or ended.
TEST_CASE("a launch is stored with its token before the plugin is asked to start it") {
  EngineDriver driver;
  auto workflow = Workflow("wf", "n0");
  AddTaskNode(workflow, "n0", AddTask(driver, "t"));
  const auto key = driver.Launch("e1", workflow, Map("x", IntLiteral(3)));
  REQUIRE(driver.Started().size() == 1);
  CHECK(driver.Started()[0].token.size() == 32);
  CHECK(driver.stores().executions->GetNodeExecution(key, "n0")->progress.attempt_token == driver.Started()[0].token);
}

TEST_CASE("after a restart, a launch that never started starts as the same attempt, with its token") {
  EngineDriver driver;
  auto workflow = Workflow("wf", "n0");
  AddTaskNode(workflow, "n0", AddTask(driver, "t"));
  const auto key = driver.Launch("e1", workflow, Map("x", IntLiteral(3)));
  driver.Restart();
  driver.Step();
  REQUIRE(driver.plugin().recovered.size() == 1);
  CHECK(driver.plugin().recovered[0].token == driver.Started()[0].token);
  REQUIRE(driver.Started().size() == 2);
  CHECK(driver.Started()[1].attempt == 0);
  CHECK(driver.Started()[1].token == driver.Started()[0].token);
  driver.Succeed(driver.Started()[1], IntMap(9));
  CHECK(driver.Execution(key).closure().phase() == WorkflowPhase::SUCCEEDED);
  CHECK(driver.stores().executions->ListTaskExecutions(key, "n0", {.limit = 10})->size() == 1);
}

TEST_CASE("after a restart, a running launch is watched, not started again") {
  EngineDriver driver;
  auto workflow = Workflow("wf", "n0");
  AddTaskNode(workflow, "n0", AddTask(driver, "t"));
  const auto key = driver.Launch("e1", workflow, Map("x", IntLiteral(3)));
  driver.plugin().recoveries[driver.Started()[0].id].state = plugins::Recovery::State::kRunning;
  driver.Restart();
  driver.Step();
  CHECK(driver.Started().size() == 1);
  CHECK(driver.Execution(key).closure().phase() == WorkflowPhase::RUNNING);
  driver.Succeed(driver.Started()[0], IntMap(9));
  CHECK(driver.Execution(key).closure().phase() == WorkflowPhase::SUCCEEDED);
  CHECK(IntOf(driver.Outputs(key)) == 9);
}

TEST_CASE("after a restart, an ended launch is judged by what it left; without its outputs it is retried") {
  EngineDriver driver;
  auto workflow = Workflow("wf", "n1");
  AddTaskNode(workflow, "n0", AddTask(driver, "t"));
  AddTaskNode(workflow, "n1", AddTask(driver, "u"), "n0", "o0");
  const auto key = driver.Launch("e1", workflow, Map("x", IntLiteral(3)));
  plugins::Recovery ended;
  ended.state = plugins::Recovery::State::kEnded;
  ended.status.phase = plugins::AttemptPhase::kExited;
  const plugins::TaskAttempt first = driver.Started()[0];
  REQUIRE(driver.blobs()
              .Put(*driver.blobs().KeyOf(first.output_prefix + "/outputs.pb"), IntMap(4).SerializeAsString())
              .ok());
  driver.plugin().recoveries[first.id] = ended;
  driver.Restart();
  driver.Step();
  REQUIRE(driver.Started().size() == 2);  // n0 succeeded with its outputs: n1 runs
  const plugins::TaskAttempt second = driver.Started()[1];
  CHECK(second.node_id == "n1");

  driver.plugin().recoveries[second.id] = ended;  // ended, and wrote nothing: a system failure
  driver.Restart();
  driver.Step();
  REQUIRE(driver.Started().size() == 3);
  CHECK(driver.Started()[2].node_id == "n1");
  CHECK(driver.Started()[2].attempt == 1);
  CHECK(driver.Started()[2].token != second.token);
  driver.Succeed(driver.Started()[2], IntMap(5));
  CHECK(driver.Execution(key).closure().phase() == WorkflowPhase::SUCCEEDED);
  CHECK(IntOf(driver.Outputs(key)) == 5);
}

TEST_CASE("an array node rejects inputs of different lengths and retries a failed item") {
  EngineDriver driver;
  auto task = AddTask(driver, "pair", IntList());
  (*task.mutable_interface()->mutable_inputs()->mutable_variables())["y"].mutable_type()->CopyFrom(IntList());
  task.mutable_metadata()->mutable_retries()->set_retries(1);
  driver.resolver.AddTask(task);
  auto workflow = Workflow("wf", "map", IntList());
  (*workflow.mutable_interface()->mutable_inputs()->mutable_variables())["y"].mutable_type()->CopyFrom(IntList());
  AddArrayNode(workflow, task);
  Bind(*workflow.mutable_nodes(workflow.nodes_size() - 1), "y", "start-node", "y");
  auto inputs = Map("x", IntRange(2));
  (*inputs.mutable_literals())["y"] = IntRange(3);
  const auto uneven = driver.Launch("e1", workflow, inputs);
  CHECK(driver.Started().empty());
  CHECK(driver.Execution(uneven).closure().phase() == WorkflowPhase::FAILED);
  CHECK(driver.Node(uneven, "map").closure().error().code() == "InvalidArrayLength");
  CHECK(driver.Node(uneven, "map").closure().error().message().find("different lengths") != std::string::npos);

  (*inputs.mutable_literals())["y"] = IntRange(2);
  const auto key = driver.Launch("e2", workflow, inputs);
  REQUIRE(driver.Started().size() == 2);
  driver.Fail(driver.Started()[0], "flaky item", /*recoverable=*/true);
  REQUIRE(driver.Started().size() == 3);
  CHECK(driver.Started()[2].attempt == 1);
  CHECK(driver.Started()[2].env.at("FLYTE_K8S_ARRAY_INDEX") == "0");
  driver.Succeed(driver.Started()[1], IntMap(1));
  driver.Succeed(driver.Started()[2], IntMap(0));
  CHECK(driver.Execution(key).closure().phase() == WorkflowPhase::SUCCEEDED);
}

TEST_CASE("an array node fails as soon as min_successes cannot be reached") {
  EngineDriver driver;
  const auto task = AddTask(driver, "double", IntList());
  auto workflow = Workflow("wf", "map", IntList());
  AddArrayNode(workflow, task).set_min_successes(3);
  const auto key = driver.Launch("e1", workflow, Map("x", IntRange(3)));
  REQUIRE(driver.Started().size() == 3);
  driver.Fail(driver.Started()[2], "no");
  CHECK(driver.Execution(key).closure().phase() == WorkflowPhase::FAILED);
  CHECK(driver.plugin().aborted.size() == 2);  // the other items were stopped
}

// Launches e1: one node, "nap", a gate sleeping 30 s.
store::ExecutionKey LaunchNap(EngineDriver& driver) {
  auto workflow = Workflow("wf", "");
  core::Node& gate = *workflow.add_nodes();
  gate.set_id("nap");
  gate.mutable_gate_node()->mutable_sleep()->mutable_duration()->set_seconds(30);
  return driver.Launch("e1", workflow, Map("x", IntLiteral(1)));
}

TEST_CASE("a sleep gate waits for its duration, also across a restart") {
  EngineDriver driver;
  const auto key = LaunchNap(driver);
  driver.clock.Advance(std::chrono::seconds(20));
  driver.Step();
  CHECK(driver.Node(key, "nap").closure().phase() == NodePhase::RUNNING);
  driver.Restart();
  driver.Step();
  CHECK(driver.Node(key, "nap").closure().phase() == NodePhase::RUNNING);
  driver.clock.Advance(std::chrono::seconds(10));
  driver.Step();
  CHECK(driver.Node(key, "nap").closure().phase() == NodePhase::SUCCEEDED);
  CHECK(driver.Execution(key).closure().phase() == WorkflowPhase::SUCCEEDED);
}

TEST_CASE("a node whose outputs cannot be written fails with a system error instead of succeeding") {
  EngineDriver driver;
  const auto key = LaunchNap(driver);
  // A file where the folder of the gate's outputs.pb goes: writing them fails, as on a full disk.
  REQUIRE(driver.blobs().Put(engine::AttemptDir(key, "nap", 0), "not a folder").ok());
  driver.clock.Advance(std::chrono::seconds(30));
  driver.Step();
  const auto node = driver.Node(key, "nap").closure();
  CHECK(node.phase() == NodePhase::FAILED);
  CHECK(node.error().kind() == core::ExecutionError::SYSTEM);
  CHECK(node.error().code() == "OutputsNotWritten");
  CHECK(driver.Execution(key).closure().phase() == WorkflowPhase::FAILED);
}

TEST_CASE("a step that could not be stored (a full disk) is stored by a later step, not lost") {
  EngineDriver driver;
  auto task = AddTask(driver, "t");
  auto workflow = Workflow("wf", "n0");
  AddTaskNode(workflow, "n0", task);
  const auto key = driver.Launch("e1", workflow, Map("x", IntLiteral(1)));
  // Another connection makes every write of a node row fail, as SQLITE_FULL would.
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open(driver.RegistryFile().c_str(), &other) == SQLITE_OK);
  const auto exec = [other](const char* sql) {
    REQUIRE(sqlite3_exec(other, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  };
  exec("CREATE TRIGGER refuse BEFORE INSERT ON node_executions BEGIN SELECT RAISE(FAIL, 'disk full'); END");
  driver.Succeed(driver.Attempts("n0").at(0), IntMap(2));
  CHECK(driver.Execution(key).closure().phase() == WorkflowPhase::RUNNING);
  exec("DROP TRIGGER refuse");
  sqlite3_close(other);
  driver.Step();
  CHECK(driver.Node(key, "n0").closure().phase() == NodePhase::SUCCEEDED);
  CHECK(driver.Execution(key).closure().phase() == WorkflowPhase::SUCCEEDED);
  CHECK(IntOf(driver.Outputs(key)) == 2);
}

TEST_CASE("a signal gate declares its signal and outputs the value once it is set") {
  EngineDriver driver;
  auto workflow = Workflow("wf", "ask");
  core::Node& gate = *workflow.add_nodes();
  gate.set_id("ask");
  gate.mutable_gate_node()->mutable_signal()->set_signal_id("how-many");
  *gate.mutable_gate_node()->mutable_signal()->mutable_type() = IntType();
  gate.mutable_gate_node()->mutable_signal()->set_output_variable_name("o0");
  const auto key = driver.Launch("e1", workflow, Map("x", IntLiteral(1)));
  auto& signals = *driver.stores().signals;
  REQUIRE(signals.Get(SignalIdOf(key, "how-many")).ok());
  driver.Wake(key);
  CHECK(driver.Node(key, "ask").closure().phase() == NodePhase::RUNNING);
  REQUIRE(signals.Set(SignalIdOf(key, "how-many"), IntLiteral(42)).ok());
  driver.Wake(key);
  CHECK(driver.Execution(key).closure().phase() == WorkflowPhase::SUCCEEDED);
  CHECK(IntOf(driver.Outputs(key)) == 42);
}

TEST_CASE("a cached task runs once per inputs; overwrite_cache runs it again") {
  EngineDriver driver;
  auto task = AddTask(driver, "cached");
  task.mutable_metadata()->set_discoverable(true);
  task.mutable_metadata()->set_discovery_version("1");
  driver.resolver.AddTask(task);
  auto workflow = Workflow("wf", "n0");
  AddTaskNode(workflow, "n0", task);
  const auto first = driver.Launch("e1", workflow, Map("x", IntLiteral(3)));
  driver.Succeed(driver.Attempts("n0")[0], IntMap(9));
  CHECK(driver.Node(first, "n0").closure().task_node_metadata().cache_status() == core::CACHE_POPULATED);

  const auto second = driver.Launch("e2", workflow, Map("x", IntLiteral(3)));
  CHECK(driver.Started().size() == 1);  // no attempt: a cache hit
  CHECK(driver.Execution(second).closure().phase() == WorkflowPhase::SUCCEEDED);
  CHECK(IntOf(driver.Outputs(second)) == 9);
  const auto node = driver.Node(second, "n0");
  CHECK(node.closure().task_node_metadata().cache_status() == core::CACHE_HIT);
  CHECK(node.closure()
            .task_node_metadata()
            .catalog_key()
            .source_task_execution()
            .node_execution_id()
            .execution_id()
            .name() == "e1");

  driver.Restart();  // the cache is in SQLite: it outlives the server
  driver.Launch("e2b", workflow, Map("x", IntLiteral(3)));
  CHECK(driver.Started().size() == 1);
  driver.Launch("e3", workflow, Map("x", IntLiteral(4)));
  CHECK(driver.Started().size() == 2);  // other inputs: a miss
  flyteidl::admin::ExecutionSpec overwrite;
  overwrite.set_overwrite_cache(true);
  driver.Launch("e4", workflow, Map("x", IntLiteral(3)), overwrite);
  CHECK(driver.Started().size() == 3);
}

TEST_CASE("of two concurrent cache_serializable runs, one computes and the other takes its value") {
  EngineDriver driver;
  auto task = AddTask(driver, "serial");
  task.mutable_metadata()->set_discoverable(true);
  task.mutable_metadata()->set_cache_serializable(true);
  driver.resolver.AddTask(task);
  auto workflow = Workflow("wf", "n0");
  AddTaskNode(workflow, "n0", task);
  const auto first = driver.Launch("e1", workflow, Map("x", IntLiteral(3)));
  const auto second = driver.Launch("e2", workflow, Map("x", IntLiteral(3)));
  REQUIRE(driver.Started().size() == 1);
  driver.Succeed(driver.Started()[0], IntMap(9));
  driver.clock.Advance(std::chrono::milliseconds(100));
  driver.Step();
  CHECK(driver.Started().size() == 1);
  CHECK(driver.Execution(second).closure().phase() == WorkflowPhase::SUCCEEDED);
  CHECK(IntOf(driver.Outputs(second)) == 9);
  CHECK(driver.Execution(first).closure().phase() == WorkflowPhase::SUCCEEDED);
}

TEST_CASE("a launch plan node launches a linked child execution and takes its outputs") {
  EngineDriver driver;
  auto workflow = Workflow("wf", "lp");
  core::Node& node = *workflow.add_nodes();
  node.set_id("lp");
  *node.mutable_workflow_node()->mutable_launchplan_ref() = AddLaunchPlan(driver, "child_lp");
  Bind(node, "x", "start-node", "x");
  const auto key = driver.Launch("parent", workflow, Map("x", IntLiteral(5)));
  REQUIRE(driver.children.size() == 1);
  const auto& child = driver.children[0];
  CHECK(child.launch_plan.name() == "child_lp");
  CHECK(child.parent.node_id() == "lp");
  CHECK(child.parent.execution_id().name() == "parent");
  CHECK(child.nesting == 1);
  CHECK(child.inputs.literals().at("x").scalar().primitive().integer() == 5);

  // The child finishes (the admin layer creates and runs it).
  flyteidl::admin::Execution record;
  record.mutable_closure()->set_phase(WorkflowPhase::SUCCEEDED);
  store::ExecutionRow row;
  row.key = child.key;
  row.phase = WorkflowPhase::SUCCEEDED;
  row.terminal = true;
  row.payload = record.SerializeAsString();
  REQUIRE(driver.stores().executions->CreateExecution(row).ok());
  REQUIRE(driver.blobs().Put(engine::ExecutionOutputsKey(child.key), IntMap(25).SerializeAsString()).ok());
  driver.Wake(key);
  CHECK(driver.Execution(key).closure().phase() == WorkflowPhase::SUCCEEDED);
  CHECK(IntOf(driver.Outputs(key)) == 25);
  CHECK(driver.Node(key, "lp").closure().workflow_node_metadata().executionid().name() == child.key.name);
}

TEST_CASE("a dynamic task's futures.pb runs as a sub-DAG under its node and binds its outputs") {
  EngineDriver driver;
  const auto outer = AddTask(driver, "outer");
  const auto inner = AddTask(driver, "inner");
  auto workflow = Workflow("wf", "n0");
  AddTaskNode(workflow, "n0", outer);
  const auto key = driver.Launch("e1", workflow, Map("x", IntLiteral(2)));
  REQUIRE(driver.Attempts("n0").size() == 1);

  // The task returns a workflow of two `inner` nodes, the second after the first.
  core::DynamicJobSpec spec;
  *spec.add_tasks() = inner;
  core::Node& first = *spec.add_nodes();
  first.set_id("d0");
  *first.mutable_task_node()->mutable_reference_id() = inner.id();
  Bind(first, "x", "start-node", "x");
  core::Node& second = *spec.add_nodes();
  second.set_id("d1");
  *second.mutable_task_node()->mutable_reference_id() = inner.id();
  Bind(second, "x", "d0", "o0");
  spec.set_min_successes(2);
  auto* output = spec.add_outputs();
  output->set_var("o0");
  output->mutable_binding()->mutable_promise()->set_node_id("d1");
  output->mutable_binding()->mutable_promise()->set_var("o0");
  const auto attempt = driver.Attempts("n0")[0];
  REQUIRE(
      driver.blobs().Put(*driver.blobs().KeyOf(attempt.output_prefix + "/futures.pb"), spec.SerializeAsString()).ok());
  driver.plugin().Exit(attempt.id);
  driver.Step();

  REQUIRE(driver.Attempts("n0-0-d0").size() == 1);
  CHECK(driver.Node(key, "n0").closure().phase() == NodePhase::DYNAMIC_RUNNING);
  CHECK(driver.Node(key, "n0").metadata().is_dynamic());
  driver.Succeed(driver.Attempts("n0-0-d0")[0], IntMap(3));
  REQUIRE(driver.Attempts("n0-0-d1").size() == 1);
  driver.Restart();  // the children come back from futures_compiled.pb
  driver.Step();
  driver.Succeed(driver.Attempts("n0-0-d1").back(), IntMap(4));
  CHECK(driver.Execution(key).closure().phase() == WorkflowPhase::SUCCEEDED);
  CHECK(IntOf(driver.Outputs(key)) == 4);
}

TEST_CASE("a dynamic workflow may call registered launch plans: each runs as a child execution") {
  EngineDriver driver;
  const auto outer = AddTask(driver, "outer");
  auto workflow = Workflow("wf", "n0");
  AddTaskNode(workflow, "n0", outer);
  AddLaunchPlan(driver, "child_lp");
  const auto key = driver.Launch("e1", workflow, Map("x", IntLiteral(2)));

  auto futures = [&](const std::string& launch_plan) {
    core::DynamicJobSpec spec;
    core::Node& node = *spec.add_nodes();
    node.set_id("lp");
    *node.mutable_workflow_node()->mutable_launchplan_ref() = EntityId(core::LAUNCH_PLAN, launch_plan);
    Bind(node, "x", "start-node", "x");
    auto* output = spec.add_outputs();
    output->set_var("o0");
    output->mutable_binding()->mutable_promise()->set_node_id("lp");
    output->mutable_binding()->mutable_promise()->set_var("o0");
    return spec.SerializeAsString();
  };
  const auto attempt = driver.Attempts("n0")[0];
  REQUIRE(driver.blobs().Put(*driver.blobs().KeyOf(attempt.output_prefix + "/futures.pb"), futures("child_lp")).ok());
  driver.plugin().Exit(attempt.id);
  driver.Step();

  REQUIRE(driver.children.size() == 1);
  const auto& child = driver.children[0];
  CHECK(child.launch_plan.name() == "child_lp");
  CHECK(child.parent.node_id() == "n0-0-lp");
  CHECK(child.inputs.literals().at("x").scalar().primitive().integer() == 2);
  CHECK(driver.Node(key, "n0").closure().phase() == NodePhase::DYNAMIC_RUNNING);

  SUBCASE("an unregistered launch plan fails the node, naming it") {
    const auto other = driver.Launch("e2", workflow, Map("x", IntLiteral(2)));
    const auto second = driver.Attempts("n0").back();
    REQUIRE(second.execution_name == "e2");
    REQUIRE(
        driver.blobs().Put(*driver.blobs().KeyOf(second.output_prefix + "/futures.pb"), futures("missing_lp")).ok());
    driver.plugin().Exit(second.id);
    driver.Step();
    CHECK(driver.Execution(other).closure().phase() == WorkflowPhase::FAILED);
    const auto error = driver.Node(other, "n0").closure().error();
    CHECK(error.code() == "DynamicWorkflowBuildFailed");
    CHECK(error.message().find("missing_lp") != std::string::npos);
    CHECK(driver.children.size() == 1);
  }
}

TEST_CASE("recovering a failed execution reuses what succeeded and runs the rest") {
  EngineDriver driver;
  const auto task = AddTask(driver, "t");
  auto workflow = Workflow("wf", "n1");
  AddTaskNode(workflow, "n0", task);
  AddTaskNode(workflow, "n1", task, "n0", "o0");
  const auto failed = driver.Launch("e1", workflow, Map("x", IntLiteral(1)));
  driver.Succeed(driver.Attempts("n0")[0], IntMap(2));
  driver.Fail(driver.Attempts("n1")[0], "broken once");
  REQUIRE(driver.Execution(failed).closure().phase() == WorkflowPhase::FAILED);

  flyteidl::admin::ExecutionSpec spec;
  spec.mutable_metadata()->set_mode(flyteidl::admin::ExecutionMetadata::RECOVERED);
  *spec.mutable_metadata()->mutable_reference_execution() = ExecutionIdOf(failed);
  const auto recovered = driver.Launch("e2", workflow, Map("x", IntLiteral(1)), spec);
  CHECK(driver.Attempts("n0").size() == 1);  // not run again
  CHECK(driver.Node(recovered, "n0").closure().phase() == NodePhase::RECOVERED);
  REQUIRE(driver.Attempts("n1").size() == 2);
  CHECK(driver.Attempts("n1")[1].execution_name == "e2");
  driver.Succeed(driver.Attempts("n1")[1], IntMap(7));
  CHECK(driver.Execution(recovered).closure().phase() == WorkflowPhase::SUCCEEDED);
  CHECK(IntOf(driver.Outputs(recovered)) == 7);
}

TEST_CASE("the failure node runs with the error after the workflow failed") {
  EngineDriver driver;
  const auto task = AddTask(driver, "t");
  core::TaskTemplate cleanup = AddTask(driver, "cleanup");
  // Optional[FlyteError], as flytekit declares it: left unbound, filled in by the engine.
  auto* err_type = (*cleanup.mutable_interface()->mutable_inputs()->mutable_variables())["err"].mutable_type();
  err_type->mutable_union_type()->add_variants()->set_simple(core::ERROR);
  err_type->mutable_union_type()->add_variants()->set_simple(core::NONE);
  driver.resolver.AddTask(cleanup);
  auto workflow = Workflow("wf", "n0");
  AddTaskNode(workflow, "n0", task);
  core::Node& failure = *workflow.mutable_failure_node();
  failure.set_id("fn0");
  *failure.mutable_task_node()->mutable_reference_id() = cleanup.id();
  Bind(failure, "x", "start-node", "x");
  const auto key = driver.Launch("e1", workflow, Map("x", IntLiteral(1)));
  driver.Fail(driver.Attempts("n0")[0], "broken");
  REQUIRE(driver.Attempts("fn0").size() == 1);
  CHECK(driver.Execution(key).closure().phase() == WorkflowPhase::FAILING);
  core::LiteralMap inputs;
  inputs.ParseFromString(*driver.blobs().Get(*driver.blobs().KeyOf(driver.Attempts("fn0")[0].inputs_path)));
  const auto& err = inputs.literals().at("err").scalar().union_().value().scalar().error();
  CHECK(err.failed_node_id() == "n0");
  CHECK(err.message().find("broken") != std::string::npos);
  driver.Succeed(driver.Attempts("fn0")[0], IntMap(0));
  CHECK(driver.Execution(key).closure().phase() == WorkflowPhase::FAILED);
}

}  // namespace
}  // namespace flyte::testing
