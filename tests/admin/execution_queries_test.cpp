// The read side of the execution API over rows and blobs written straight into a real SQLite
// execution store and object store, the way the engine leaves them.
#include <doctest/doctest.h>
#include <google/protobuf/util/time_util.h>

#include "admin/admin.h"
#include "engine/engine.h"
#include "fakes/admin_fixture.h"
#include "fakes/flyteidl_values.h"

// The responses' UrlBlobs and the execution closure's `outputs` are deprecated in flyteidl but
// are what flytekit reads and the engine writes.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace flyte::admin {
namespace {

using flyteidl::core::LiteralMap;
using google::protobuf::util::TimeUtil;
using testing::ExecutionIdOf;
using WorkflowPhase = flyteidl::core::WorkflowExecution;
using NodePhase = flyteidl::core::NodeExecution;
using TaskPhase = flyteidl::core::TaskExecution;

const store::ExecutionKey kDone{"flytesnacks", "development", "done"};
const store::ExecutionKey kRunning{"flytesnacks", "development", "running"};
const store::ExecutionKey kArchived{"flytesnacks", "development", "archived"};
// Where the engine puts outputs and node inputs; admin reads them only through the records.
const std::string kDoneOutputsKey = "metadata/flytesnacks/development/done/outputs.pb";
const std::string kNodeDataKey = "metadata/flytesnacks/development/done/n0/data";
const std::string kN1InputsKey = "metadata/flytesnacks/development/done/n1/data/inputs.pb";

flyteidl::core::NodeExecutionIdentifier NodeId(const std::string& node_id, const store::ExecutionKey& key = kDone) {
  flyteidl::core::NodeExecutionIdentifier id;
  *id.mutable_execution_id() = ExecutionIdOf(key);
  id.set_node_id(node_id);
  return id;
}

flyteidl::core::Identifier TaskId(const std::string& version = "v1") {
  flyteidl::core::Identifier id;
  id.set_resource_type(flyteidl::core::TASK);
  id.set_project("flytesnacks");
  id.set_domain("development");
  id.set_name("t");
  id.set_version(version);
  return id;
}

flyteidl::core::TaskExecutionIdentifier AttemptId(uint32_t attempt, const std::string& version = "v1") {
  flyteidl::core::TaskExecutionIdentifier id;
  *id.mutable_node_execution_id() = NodeId("n0");
  *id.mutable_task_id() = TaskId(version);
  id.set_retry_attempt(attempt);
  return id;
}

LiteralMap Ints(const std::string& name, int64_t value) {
  LiteralMap map;
  (*map.mutable_literals())[name].mutable_scalar()->mutable_primitive()->set_integer(value);
  return map;
}

struct QueriesFixture : testing::AdminFixture {
  // Three executions ("done" with outputs, "running" without, "archived"); "done" has top-level
  // nodes n0 (a task with attempts 0 and 1) and n1 (a parent of n1-0-n0).
  QueriesFixture() {
    const std::string done_outputs = Put(kDoneOutputsKey, Ints("o0", 2));
    Put(*blobs->KeyOf(*engine::ExecutionInputsUrl(*blobs, kDone)), Ints("x", 1));
    Put(*blobs->KeyOf(*engine::ExecutionInputsUrl(*blobs, kRunning)), Ints("x", 7));
    AddExecution(kDone, WorkflowPhase::SUCCEEDED, "wf", 1000, 5000, done_outputs);
    AddExecution(kRunning, WorkflowPhase::RUNNING, "other", 2000, 0, "");
    AddExecution(kArchived, WorkflowPhase::SUCCEEDED, "wf", 3000, 1000, "", /*archived=*/true);

    const std::string n0_inputs = Put(kNodeDataKey + "/inputs.pb", Ints("x", 1));
    const std::string n0_outputs = Put(kNodeDataKey + "/1/outputs.pb", Ints("o0", 2));
    const std::string n1_inputs = *blobs->NativeUrl(kN1InputsKey);  // never written
    store::ExecutionWrite write;
    write.nodes.push_back(
        NodeRow("n0", "", NodePhase::SUCCEEDED, 10, n0_inputs, n0_outputs, false, "file:///deck.html"));
    write.nodes.push_back(NodeRow("n1", "", NodePhase::RUNNING, 20, n1_inputs, "", true, ""));
    write.nodes.push_back(NodeRow("n1-0-n0", "n1", NodePhase::QUEUED, 30, "", "", false, ""));
    write.tasks.push_back(TaskRow(0, TaskPhase::FAILED, 11, n0_inputs, ""));
    write.tasks.push_back(TaskRow(1, TaskPhase::SUCCEEDED, 12, n0_inputs, n0_outputs));
    REQUIRE(stores.executions->Apply(write).ok());
  }

  std::string Put(const std::string& key, const LiteralMap& literals) {
    REQUIRE(blobs->Put(key, literals.SerializeAsString()).ok());
    return *blobs->NativeUrl(key);
  }

  void AddExecution(const store::ExecutionKey& key, WorkflowPhase::Phase phase, const std::string& workflow,
                    int64_t created_at, int64_t duration_ms, const std::string& outputs_url, bool archived = false) {
    flyteidl::admin::Execution execution;
    *execution.mutable_id() = ExecutionIdOf(key);
    execution.mutable_spec()->mutable_launch_plan()->set_name(workflow);
    auto* closure = execution.mutable_closure();
    closure->set_phase(phase);
    *closure->mutable_created_at() = TimeUtil::MillisecondsToTimestamp(created_at);
    *closure->mutable_computed_inputs() = Ints("x", 1);  // a pre-offloading record; lists drop it
    if (!outputs_url.empty()) closure->mutable_outputs()->set_uri(outputs_url);
    store::ExecutionRow row;
    row.key = key;
    row.phase = phase;
    row.launch_plan = row.workflow = workflow;
    row.created_at = row.updated_at = created_at;
    row.duration_ms = duration_ms;
    row.archived = archived;
    row.payload = execution.SerializeAsString();
    REQUIRE(stores.executions->CreateExecution(row).ok());
  }

  static store::NodeExecutionRow NodeRow(const std::string& node_id, const std::string& parent, NodePhase::Phase phase,
                                         int64_t created_at, const std::string& input_url,
                                         const std::string& output_url, bool is_parent, const std::string& deck) {
    flyteidl::admin::NodeExecution node;
    *node.mutable_id() = NodeId(node_id);
    node.set_input_uri(input_url);
    node.mutable_closure()->set_phase(phase);
    if (!output_url.empty()) node.mutable_closure()->set_output_uri(output_url);
    node.mutable_closure()->set_deck_uri(deck);
    node.mutable_metadata()->set_is_parent_node(is_parent);
    store::NodeExecutionRow row;
    row.execution = kDone;
    row.node_id = node_id;
    row.parent_id = parent;
    row.phase = phase;
    row.created_at = row.updated_at = created_at;
    row.payload = node.SerializeAsString();
    return row;
  }

  static store::TaskExecutionRow TaskRow(int attempt, TaskPhase::Phase phase, int64_t created_at,
                                         const std::string& input_url, const std::string& output_url) {
    flyteidl::admin::TaskExecution task;
    *task.mutable_id() = AttemptId(attempt);
    task.set_input_uri(input_url);
    task.mutable_closure()->set_phase(phase);
    if (!output_url.empty()) task.mutable_closure()->set_output_uri(output_url);
    store::TaskExecutionRow row;
    row.execution = kDone;
    row.node_id = "n0";
    row.retry_attempt = attempt;
    row.phase = phase;
    row.created_at = row.updated_at = created_at;
    row.payload = task.SerializeAsString();
    return row;
  }

  flyteidl::admin::ExecutionList List(const std::string& filters, uint32_t limit = 0, const std::string& token = "",
                                      const std::string& sort_key = "", bool ascending = false) {
    flyteidl::admin::ResourceListRequest request;
    request.mutable_id()->set_project("flytesnacks");
    request.mutable_id()->set_domain("development");
    request.set_filters(filters);
    request.set_limit(limit);
    request.set_token(token);
    if (!sort_key.empty()) {
      request.mutable_sort_by()->set_key(sort_key);
      request.mutable_sort_by()->set_direction(ascending ? flyteidl::admin::Sort::ASCENDING
                                                         : flyteidl::admin::Sort::DESCENDING);
    }
    flyteidl::admin::ExecutionList list;
    Status status = admin->executions().ListExecutions(request, &list);
    REQUIRE_MESSAGE(status.ok(), status.ToString());
    return list;
  }

  flyteidl::admin::NodeExecutionList ListNodes(const std::string& parent, const std::string& filters = "",
                                               uint32_t limit = 0, const std::string& token = "",
                                               bool descending = false) {
    flyteidl::admin::NodeExecutionListRequest request;
    *request.mutable_workflow_execution_id() = ExecutionIdOf(kDone);
    request.set_unique_parent_id(parent);
    request.set_filters(filters);
    request.set_limit(limit);
    request.set_token(token);
    if (descending) request.mutable_sort_by()->set_key("created_at");  // DESCENDING is the default direction
    flyteidl::admin::NodeExecutionList list;
    Status status = admin->node_executions().ListNodeExecutions(request, &list);
    REQUIRE_MESSAGE(status.ok(), status.ToString());
    return list;
  }

  flyteidl::admin::TaskExecutionList ListAttempts(const std::string& filters = "", bool descending = false) {
    flyteidl::admin::TaskExecutionListRequest request;
    *request.mutable_node_execution_id() = NodeId("n0");
    request.set_filters(filters);
    if (descending) request.mutable_sort_by()->set_key("retry_attempt");
    flyteidl::admin::TaskExecutionList list;
    Status status = admin->node_executions().ListTaskExecutions(request, &list);
    REQUIRE_MESSAGE(status.ok(), status.ToString());
    return list;
  }
};

std::vector<std::string> Names(const flyteidl::admin::ExecutionList& list) {
  std::vector<std::string> names;
  for (const auto& execution : list.executions()) names.push_back(execution.id().name());
  return names;
}

std::vector<std::string> NodeIds(const flyteidl::admin::NodeExecutionList& list) {
  std::vector<std::string> ids;
  for (const auto& node : list.node_executions()) ids.push_back(node.id().node_id());
  return ids;
}

std::vector<uint32_t> Attempts(const flyteidl::admin::TaskExecutionList& list) {
  std::vector<uint32_t> attempts;
  for (const auto& attempt : list.task_executions()) attempts.push_back(attempt.id().retry_attempt());
  return attempts;
}

using Strings = std::vector<std::string>;

TEST_CASE("admin execution queries: GetExecution returns the stored execution or names what is missing") {
  QueriesFixture f;
  flyteidl::admin::WorkflowExecutionGetRequest request;
  *request.mutable_id() = ExecutionIdOf(kDone);
  flyteidl::admin::Execution execution;
  REQUIRE(f.admin->executions().GetExecution(request, &execution).ok());
  CHECK(execution.closure().phase() == WorkflowPhase::SUCCEEDED);
  CHECK(execution.closure().has_computed_inputs());

  request.mutable_id()->set_name("nope");
  Status missing = f.admin->executions().GetExecution(request, &execution);
  CHECK(absl::IsNotFound(missing));
  CHECK(std::string(missing.message()).find("flytesnacks/development/nope") != std::string::npos);

  request.mutable_id()->clear_name();
  Status invalid = f.admin->executions().GetExecution(request, &execution);
  CHECK(absl::IsInvalidArgument(invalid));
  CHECK(std::string(invalid.message()) == "missing id.name");
}

TEST_CASE("admin execution queries: ListExecutions sorts, pages, filters and hides archived executions") {
  QueriesFixture f;
  const auto all = f.List("");
  CHECK(Names(all) == Strings{"running", "done"});  // newest first, archived left out
  CHECK(all.token().empty());
  CHECK_FALSE(all.executions(0).closure().has_computed_inputs());

  const auto first = f.List("", 1);
  CHECK(Names(first) == Strings{"running"});
  CHECK(first.token() == "1");
  const auto second = f.List("", 1, first.token());
  CHECK(Names(second) == Strings{"done"});
  CHECK(second.token() == "2");  // a full page: flyteadmin cannot know it was the last
  CHECK(f.List("", 1, second.token()).executions().empty());

  CHECK(Names(f.List("", 0, "", "created_at", true)) == Strings{"done", "running"});
  CHECK(Names(f.List("", 0, "", "execution_created_at", true)) == Strings{"done", "running"});
  CHECK(Names(f.List("eq(phase,SUCCEEDED)")) == Strings{"done"});
  CHECK(Names(f.List("value_in(execution.phase,RUNNING;QUEUED)")) == Strings{"running"});
  CHECK(Names(f.List("eq(workflow.name,wf)")) == Strings{"done"});
  CHECK(Names(f.List("eq(launch_plan.name,other)")) == Strings{"running"});
  CHECK(Names(f.List("gte(duration,5)")) == Strings{"done"});  // seconds, like flyteadmin
  CHECK(Names(f.List("eq(state,EXECUTION_ARCHIVED)")) == Strings{"archived"});
  CHECK(Names(f.List("eq(workflow.name,wf)+value_in(state,0;1)")) == Strings{"archived", "done"});
  CHECK(Names(f.List("gt(execution_created_at,1970-01-01T00:00:01Z)")) == Strings{"running"});

  flyteidl::admin::ResourceListRequest by_name;
  by_name.mutable_id()->set_project("flytesnacks");
  by_name.mutable_id()->set_domain("development");
  by_name.mutable_id()->set_name("done");
  flyteidl::admin::ExecutionList list;
  REQUIRE(f.admin->executions().ListExecutions(by_name, &list).ok());
  CHECK(Names(list) == Strings{"done"});

  by_name.set_filters("eq(phase,NOT_A_PHASE)");
  CHECK(absl::IsInvalidArgument(f.admin->executions().ListExecutions(by_name, &list)));
  by_name.set_filters("eq(color,red)");
  CHECK(absl::IsInvalidArgument(f.admin->executions().ListExecutions(by_name, &list)));
  by_name.clear_filters();
  by_name.mutable_id()->clear_domain();
  CHECK(absl::IsInvalidArgument(f.admin->executions().ListExecutions(by_name, &list)));
}

TEST_CASE("admin execution queries: UpdateExecution archives and restores an execution") {
  QueriesFixture f;
  flyteidl::admin::ExecutionUpdateRequest update;
  *update.mutable_id() = ExecutionIdOf(kRunning);
  update.set_state(flyteidl::admin::EXECUTION_ARCHIVED);
  flyteidl::admin::ExecutionUpdateResponse response;
  REQUIRE(f.admin->executions().UpdateExecution(update, &response).ok());
  CHECK(Names(f.List("")) == Strings{"done"});
  CHECK(Names(f.List("eq(state,EXECUTION_ARCHIVED)")) == Strings{"archived", "running"});

  flyteidl::admin::WorkflowExecutionGetRequest get;
  *get.mutable_id() = ExecutionIdOf(kRunning);
  flyteidl::admin::Execution execution;
  REQUIRE(f.admin->executions().GetExecution(get, &execution).ok());
  CHECK(execution.closure().state_change_details().state() == flyteidl::admin::EXECUTION_ARCHIVED);
  CHECK(execution.closure().state_change_details().occurred_at().seconds() == 1'700'000'000);
  CHECK(execution.closure().phase() == WorkflowPhase::RUNNING);

  update.set_state(flyteidl::admin::EXECUTION_ACTIVE);
  REQUIRE(f.admin->executions().UpdateExecution(update, &response).ok());
  CHECK(Names(f.List("")) == Strings{"running", "done"});

  update.mutable_id()->set_name("nope");
  CHECK(absl::IsNotFound(f.admin->executions().UpdateExecution(update, &response)));
  update.mutable_id()->set_name("running");
  update.set_state(static_cast<flyteidl::admin::ExecutionState>(7));
  CHECK(absl::IsInvalidArgument(f.admin->executions().UpdateExecution(update, &response)));
}

TEST_CASE("admin execution queries: GetExecutionData inlines inputs and outputs once there are any") {
  QueriesFixture f;
  flyteidl::admin::WorkflowExecutionGetDataRequest request;
  *request.mutable_id() = ExecutionIdOf(kDone);
  flyteidl::admin::WorkflowExecutionGetDataResponse done;
  REQUIRE(f.admin->executions().GetExecutionData(request, &done).ok());
  CHECK(testing::IntOf(done.full_inputs(), "x") == 1);
  CHECK(testing::IntOf(done.full_outputs(), "o0") == 2);
  CHECK(done.inputs().url() == *engine::ExecutionInputsUrl(*f.blobs, kDone));
  CHECK(done.inputs().bytes() == static_cast<int64_t>(Ints("x", 1).ByteSizeLong()));
  CHECK(done.outputs().url() == *f.blobs->NativeUrl(kDoneOutputsKey));
  CHECK(done.outputs().bytes() > 0);

  *request.mutable_id() = ExecutionIdOf(kRunning);
  flyteidl::admin::WorkflowExecutionGetDataResponse running;
  REQUIRE(f.admin->executions().GetExecutionData(request, &running).ok());
  CHECK(testing::IntOf(running.full_inputs(), "x") == 7);
  CHECK(running.has_full_outputs());
  CHECK(running.full_outputs().literals().empty());
  CHECK(running.outputs().url().empty());
  CHECK(running.outputs().bytes() == 0);

  request.mutable_id()->set_name("nope");
  CHECK(absl::IsNotFound(f.admin->executions().GetExecutionData(request, &running)));
}

TEST_CASE("admin execution queries: node executions by id, by parent, paged and filtered") {
  QueriesFixture f;
  flyteidl::admin::NodeExecutionGetRequest get;
  *get.mutable_id() = NodeId("n1");
  flyteidl::admin::NodeExecution node;
  REQUIRE(f.admin->node_executions().GetNodeExecution(get, &node).ok());
  CHECK(node.metadata().is_parent_node());
  get.mutable_id()->set_node_id("n9");
  Status missing = f.admin->node_executions().GetNodeExecution(get, &node);
  CHECK(absl::IsNotFound(missing));
  CHECK(std::string(missing.message()).find("n9") != std::string::npos);
  get.mutable_id()->clear_node_id();
  CHECK(absl::IsInvalidArgument(f.admin->node_executions().GetNodeExecution(get, &node)));

  CHECK(NodeIds(f.ListNodes("")) == Strings{"n0", "n1"});
  CHECK(NodeIds(f.ListNodes("n1")) == Strings{"n1-0-n0"});
  CHECK(NodeIds(f.ListNodes("n0")).empty());
  CHECK(NodeIds(f.ListNodes("", "", 0, "", /*descending=*/true)) == Strings{"n1", "n0"});
  CHECK(NodeIds(f.ListNodes("", "eq(phase,SUCCEEDED)")) == Strings{"n0"});
  CHECK(NodeIds(f.ListNodes("", "eq(node_execution.node_id,n1)")) == Strings{"n1"});
  const auto page = f.ListNodes("", "", 1);
  CHECK(NodeIds(page) == Strings{"n0"});
  CHECK(NodeIds(f.ListNodes("", "", 1, page.token())) == Strings{"n1"});

  flyteidl::admin::NodeExecutionListRequest request;
  *request.mutable_workflow_execution_id() = ExecutionIdOf(kDone);
  request.set_unique_parent_id("n9");
  flyteidl::admin::NodeExecutionList list;
  CHECK(absl::IsNotFound(f.admin->node_executions().ListNodeExecutions(request, &list)));
  request.clear_unique_parent_id();
  request.set_filters("eq(phase,SUCCEEDING)");  // a workflow phase, not a node phase
  CHECK(absl::IsInvalidArgument(f.admin->node_executions().ListNodeExecutions(request, &list)));
  request.clear_filters();
  request.mutable_workflow_execution_id()->clear_project();
  CHECK(absl::IsInvalidArgument(f.admin->node_executions().ListNodeExecutions(request, &list)));
}

TEST_CASE("admin execution queries: GetNodeExecutionData with and without outputs") {
  QueriesFixture f;
  flyteidl::admin::NodeExecutionGetDataRequest request;
  *request.mutable_id() = NodeId("n0");
  flyteidl::admin::NodeExecutionGetDataResponse done;
  REQUIRE(f.admin->node_executions().GetNodeExecutionData(request, &done).ok());
  CHECK(testing::IntOf(done.full_inputs(), "x") == 1);
  CHECK(testing::IntOf(done.full_outputs(), "o0") == 2);
  CHECK(done.inputs().url() == *f.blobs->NativeUrl(kNodeDataKey + "/inputs.pb"));
  CHECK(done.outputs().bytes() > 0);
  CHECK(done.flyte_urls().inputs() == "flyte://v1/flytesnacks/development/done/n0/i");
  CHECK(done.flyte_urls().outputs() == "flyte://v1/flytesnacks/development/done/n0/o");
  CHECK(done.flyte_urls().deck() == "flyte://v1/flytesnacks/development/done/n0/d");

  *request.mutable_id() = NodeId("n1");
  flyteidl::admin::NodeExecutionGetDataResponse running;
  REQUIRE(f.admin->node_executions().GetNodeExecutionData(request, &running).ok());
  CHECK(running.full_inputs().literals().empty());  // inputs.pb not written yet
  CHECK(running.inputs().bytes() == 0);
  CHECK(running.full_outputs().literals().empty());
  CHECK(running.outputs().url().empty());
  CHECK(running.flyte_urls().deck().empty());

  *request.mutable_id() = NodeId("n9");
  CHECK(absl::IsNotFound(f.admin->node_executions().GetNodeExecutionData(request, &running)));
}

TEST_CASE("admin execution queries: task execution attempts are listed, fetched and read") {
  QueriesFixture f;
  CHECK(Attempts(f.ListAttempts()) == std::vector<uint32_t>{0, 1});
  CHECK(Attempts(f.ListAttempts("", /*descending=*/true)) == std::vector<uint32_t>{1, 0});
  CHECK(Attempts(f.ListAttempts("eq(phase,SUCCEEDED)")) == std::vector<uint32_t>{1});
  CHECK(Attempts(f.ListAttempts("lt(task_execution.retry_attempt,1)")) == std::vector<uint32_t>{0});

  flyteidl::admin::TaskExecutionGetRequest get;
  *get.mutable_id() = AttemptId(1);
  flyteidl::admin::TaskExecution attempt;
  REQUIRE(f.admin->node_executions().GetTaskExecution(get, &attempt).ok());
  CHECK(attempt.closure().phase() == TaskPhase::SUCCEEDED);
  *get.mutable_id() = AttemptId(2);
  Status missing = f.admin->node_executions().GetTaskExecution(get, &attempt);
  CHECK(absl::IsNotFound(missing));
  CHECK(std::string(missing.message()).find("attempt 2") != std::string::npos);
  *get.mutable_id() = AttemptId(1, "v2");  // the attempt exists, but of another task version
  CHECK(absl::IsNotFound(f.admin->node_executions().GetTaskExecution(get, &attempt)));
  get.mutable_id()->clear_task_id();
  CHECK(absl::IsInvalidArgument(f.admin->node_executions().GetTaskExecution(get, &attempt)));

  flyteidl::admin::TaskExecutionGetDataRequest data_request;
  *data_request.mutable_id() = AttemptId(1);
  flyteidl::admin::TaskExecutionGetDataResponse succeeded;
  REQUIRE(f.admin->node_executions().GetTaskExecutionData(data_request, &succeeded).ok());
  CHECK(testing::IntOf(succeeded.full_inputs(), "x") == 1);
  CHECK(testing::IntOf(succeeded.full_outputs(), "o0") == 2);
  CHECK(succeeded.outputs().bytes() > 0);
  CHECK(succeeded.flyte_urls().outputs() == "flyte://v1/flytesnacks/development/done/n0/1/o");
  CHECK(succeeded.flyte_urls().deck().empty());

  *data_request.mutable_id() = AttemptId(0);
  flyteidl::admin::TaskExecutionGetDataResponse failed;
  REQUIRE(f.admin->node_executions().GetTaskExecutionData(data_request, &failed).ok());
  CHECK(failed.full_outputs().literals().empty());
  CHECK(failed.outputs().bytes() == 0);
  CHECK(failed.flyte_urls().inputs() == "flyte://v1/flytesnacks/development/done/n0/0/i");

  *data_request.mutable_id() = AttemptId(5);
  CHECK(absl::IsNotFound(f.admin->node_executions().GetTaskExecutionData(data_request, &failed)));
}

}  // namespace
}  // namespace flyte::admin
