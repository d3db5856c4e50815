// The read side of executions: get, list and archive workflow executions; get and list their
// node executions and task attempts; fetch their inputs and outputs. Everything comes from the
// rows and blobs the engine keeps up to date; rules follow flyteadmin's execution, node execution
// and task execution managers (pkg/manager/impl/*_manager.go, pkg/manager/impl/util/data.go).
#include <google/protobuf/util/time_util.h>

#include "admin/execution_service.h"
#include "admin/list_request.h"
#include "admin/node_execution_service.h"
#include "admin/validation.h"
#include "engine/engine.h"

namespace flyte::admin {
namespace {

using flyteidl::admin::UrlBlob;
using flyteidl::core::LiteralMap;
using flyteidl::core::NodeExecutionIdentifier;
using flyteidl::core::TaskExecutionIdentifier;
using flyteidl::core::WorkflowExecutionIdentifier;

std::string IdText(const WorkflowExecutionIdentifier& id) {
  return "execution " + id.project() + "/" + id.domain() + "/" + id.name();
}

std::string IdText(const NodeExecutionIdentifier& id) {
  return "node " + id.node_id() + " of " + IdText(id.execution_id());
}

std::string IdText(const TaskExecutionIdentifier& id) {
  return "attempt " + std::to_string(id.retry_attempt()) + " of task " + DescribeId(id.task_id()) + " in " +
         IdText(id.node_execution_id());
}

Status ValidateNodeExecutionId(const NodeExecutionIdentifier& id, const std::string& field) {
  RETURN_IF_ERROR(ValidateExecutionId(id.execution_id(), field + ".execution_id"));
  return RequireField(id.node_id(), field + ".node_id");
}

Status ValidateTaskExecutionId(const TaskExecutionIdentifier& id) {
  RETURN_IF_ERROR(ValidateNodeExecutionId(id.node_execution_id(), "id.node_execution_id"));
  Status task_id = ValidateIdentifier(id.task_id(), flyteidl::core::TASK);
  if (!task_id.ok()) return absl::InvalidArgumentError("id.task_id: " + std::string(task_id.message()));
  return absl::OkStatus();
}

// The store's NOT_FOUND reworded to name what the client asked for; other errors pass through.
template <typename Row>
StatusOr<Row> NamedNotFound(StatusOr<Row> result, const std::string& what) {
  if (absl::IsNotFound(result.status())) return absl::NotFoundError(what + " not found");
  return result;
}

template <typename Message>
Status ParsePayload(const std::string& payload, const std::string& what, Message* out) {
  if (!out->ParseFromString(payload)) return absl::InternalError("corrupt record of " + what);
  return absl::OkStatus();
}

StatusOr<store::ExecutionRow> FindExecutionRow(store::ExecutionStore& store, const WorkflowExecutionIdentifier& id) {
  return NamedNotFound(store.GetExecution(ExecutionKeyOf(id)), IdText(id));
}

StatusOr<flyteidl::admin::NodeExecution> LoadNodeExecution(store::ExecutionStore& store,
                                                           const NodeExecutionIdentifier& id) {
  ASSIGN_OR_RETURN(store::NodeExecutionRow row,
                   NamedNotFound(store.GetNodeExecution(ExecutionKeyOf(id.execution_id()), id.node_id()), IdText(id)));
  flyteidl::admin::NodeExecution node;
  RETURN_IF_ERROR(ParsePayload(row.payload, IdText(id), &node));
  return node;
}

// flyteadmin keys attempts by task id as well, so an attempt asked for under another task (or
// task version) does not exist.
StatusOr<flyteidl::admin::TaskExecution> LoadTaskExecution(store::ExecutionStore& store,
                                                           const TaskExecutionIdentifier& id) {
  const NodeExecutionIdentifier& node = id.node_execution_id();
  ASSIGN_OR_RETURN(store::TaskExecutionRow row,
                   NamedNotFound(store.GetTaskExecution(ExecutionKeyOf(node.execution_id()), node.node_id(),
                                                        static_cast<int>(id.retry_attempt())),
                                 IdText(id)));
  flyteidl::admin::TaskExecution attempt;
  RETURN_IF_ERROR(ParsePayload(row.payload, IdText(id), &attempt));
  if (!engine::SameEntity(attempt.id().task_id(), id.task_id())) return absl::NotFoundError(IdText(id) + " not found");
  return attempt;
}

// flyteadmin's GetInputs/GetOutputs: the URL and size of a LiteralMap blob plus its contents
// inline. A missing object (outputs of a node still running) leaves both empty; a URL outside
// this store is not ours to read, so it is left out too.
Status LoadLiteralMap(store::BlobStore& blobs, const std::string& url, UrlBlob* blob, LiteralMap* literals) {
  if (url.empty()) return absl::OkStatus();
  StatusOr<std::string> key = blobs.KeyOf(url);
  if (!key.ok()) return absl::OkStatus();
  StatusOr<std::string> bytes = blobs.Get(*key);
  if (absl::IsNotFound(bytes.status())) return absl::OkStatus();
  RETURN_IF_ERROR(bytes.status());
  if (!literals->ParseFromString(*bytes)) return absl::InternalError("corrupt literal map at " + url);
  blob->set_url(url);
  blob->set_bytes(static_cast<int64_t>(bytes->size()));
  return absl::OkStatus();
}

// flyteidl marks the UrlBlobs of the *GetDataResponses, the inline output_data and the old
// execution fields deprecated, yet flytekit still reads the first and old records carry the
// others; these helpers are the one place that touches them.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

// Node and task closures carry outputs either inline (output_data) or by URI (output_uri).
template <typename Closure>
Status LoadOutputs(store::BlobStore& blobs, const Closure& closure, UrlBlob* blob, LiteralMap* literals) {
  if (closure.has_output_data()) {
    *literals = closure.output_data();
    return absl::OkStatus();
  }
  return LoadLiteralMap(blobs, closure.output_uri(), blob, literals);
}

// The workflow closure predates output_data and still uses the LiteralMapBlob `outputs`.
Status LoadOutputs(store::BlobStore& blobs, const flyteidl::admin::ExecutionClosure& closure, UrlBlob* blob,
                   LiteralMap* literals) {
  if (closure.has_output_data()) {
    *literals = closure.output_data();
  } else if (closure.outputs().has_values()) {
    *literals = closure.outputs().values();
  } else {
    return LoadLiteralMap(blobs, closure.outputs().uri(), blob, literals);
  }
  return absl::OkStatus();
}

// Inputs and outputs as every *GetDataResponse spells them.
template <typename Response, typename Closure>
Status FillData(store::BlobStore& blobs, const std::string& input_url, const Closure& closure, Response* response) {
  RETURN_IF_ERROR(LoadLiteralMap(blobs, input_url, response->mutable_inputs(), response->mutable_full_inputs()));
  return LoadOutputs(blobs, closure, response->mutable_outputs(), response->mutable_full_outputs());
}

// The engine's record plus the archive state, which UpdateExecution keeps in the row's columns
// (flyteadmin's state_change_details; without authentication there is no principal).
Status ParseExecution(const store::ExecutionRow& row, flyteidl::admin::Execution* out) {
  RETURN_IF_ERROR(ParsePayload(row.payload, "execution " + row.key.name, out));
  if (row.archived_at > 0) {
    auto* details = out->mutable_closure()->mutable_state_change_details();
    details->set_state(row.archived ? flyteidl::admin::EXECUTION_ARCHIVED : flyteidl::admin::EXECUTION_ACTIVE);
    *details->mutable_occurred_at() = google::protobuf::util::TimeUtil::MillisecondsToTimestamp(row.archived_at);
  }
  return absl::OkStatus();
}

// Like flyteadmin, lists leave out the inputs copied into old execution records.
Status ParseListedExecution(const store::ExecutionRow& row, flyteidl::admin::Execution* out) {
  RETURN_IF_ERROR(ParseExecution(row, out));
  out->mutable_spec()->clear_inputs();
  out->mutable_closure()->clear_computed_inputs();
  return absl::OkStatus();
}

#pragma GCC diagnostic pop

// The workflow a dynamic node runs: futures_compiled.pb, which the engine keeps beside the
// node's DynamicJobSpec (closure.dynamic_job_spec_uri). NOT_FOUND for other nodes, as flyteadmin.
StatusOr<flyteidl::admin::DynamicWorkflowNodeMetadata> LoadDynamicWorkflow(store::BlobStore& blobs,
                                                                           const flyteidl::admin::NodeExecution& node) {
  const std::string& spec_url = node.closure().dynamic_job_spec_uri();
  if (spec_url.empty()) return absl::NotFoundError(IdText(node.id()) + " does not contain a dynamic workflow");
  ASSIGN_OR_RETURN(std::string compiled_key, blobs.KeyOf(engine::DynamicWorkflowUrl(spec_url)));
  ASSIGN_OR_RETURN(std::string bytes,
                   NamedNotFound(blobs.Get(compiled_key), "dynamic workflow of " + IdText(node.id())));
  flyteidl::admin::DynamicWorkflowNodeMetadata dynamic;
  RETURN_IF_ERROR(ParsePayload(bytes, "dynamic workflow of " + IdText(node.id()), dynamic.mutable_compiled_workflow()));
  *dynamic.mutable_id() = dynamic.compiled_workflow().primary().template_().id();
  dynamic.set_dynamic_job_spec_uri(spec_url);
  return dynamic;
}

// flyteadmin's FlyteURLsFromNodeExecutionID / FlyteURLsFromTaskExecutionID (pkg/common/flyte_url.go).
std::string FlyteUrlBase(const NodeExecutionIdentifier& id) {
  const WorkflowExecutionIdentifier& execution = id.execution_id();
  return "flyte://v1/" + execution.project() + "/" + execution.domain() + "/" + execution.name() + "/" + id.node_id();
}

void SetFlyteUrls(const std::string& base, bool deck, flyteidl::admin::FlyteURLs* urls) {
  urls->set_inputs(base + "/i");
  urls->set_outputs(base + "/o");
  if (deck) urls->set_deck(base + "/d");
}

// flyteadmin shows archived executions only to requests that filter on `state` (addStateFilter).
StatusOr<bool> FiltersOnState(const std::string& filters) {
  ASSIGN_OR_RETURN(std::vector<Filter> parsed, ParseFilters(filters));
  for (const Filter& filter : parsed) {
    if (filter.field == "state") return true;
  }
  return false;
}

}  // namespace

Status ExecutionService::GetExecution(const flyteidl::admin::WorkflowExecutionGetRequest& request,
                                      flyteidl::admin::Execution* response) {
  RETURN_IF_ERROR(ValidateExecutionId(request.id(), "id"));
  ASSIGN_OR_RETURN(store::ExecutionRow row, FindExecutionRow(deps_.executions, request.id()));
  return ParseExecution(row, response);
}

Status ExecutionService::ListExecutions(const flyteidl::admin::ResourceListRequest& request,
                                        flyteidl::admin::ExecutionList* response) {
  const auto& id = request.id();
  RETURN_IF_ERROR(RequireField(id.project(), "id.project"));
  RETURN_IF_ERROR(RequireField(id.domain(), "id.domain"));
  ASSIGN_OR_RETURN(store::ListQuery query, BuildListQuery(ListParamsOf(request), ExecutionColumns(),
                                                          {store::Descending(store::Column::kCreatedAt),
                                                           store::Descending(store::Column::kName)}));
  // flyteadmin reads id.name as the execution's name, not the workflow's.
  if (!id.name().empty()) query.where.push_back({store::Column::kName, store::Op::kEq, {id.name()}});
  ASSIGN_OR_RETURN(bool filters_on_state, FiltersOnState(request.filters()));
  if (!filters_on_state) query.where.push_back({store::Column::kArchived, store::Op::kEq, {int64_t{0}}});
  ASSIGN_OR_RETURN(std::vector<store::ExecutionRow> rows,
                   deps_.executions.ListExecutions(id.project(), id.domain(), query));
  for (const auto& row : rows) RETURN_IF_ERROR(ParseListedExecution(row, response->add_executions()));
  response->set_token(NextPageToken(query, rows.size()));
  return absl::OkStatus();
}

Status ExecutionService::UpdateExecution(const flyteidl::admin::ExecutionUpdateRequest& request,
                                         flyteidl::admin::ExecutionUpdateResponse*) {
  RETURN_IF_ERROR(ValidateExecutionId(request.id(), "id"));
  if (!flyteidl::admin::ExecutionState_IsValid(request.state())) {
    return absl::InvalidArgumentError("unknown execution state " + std::to_string(static_cast<int>(request.state())));
  }
  ASSIGN_OR_RETURN(store::ExecutionRow row, FindExecutionRow(deps_.executions, request.id()));
  // Kept apart from the engine's record, which the engine rewrites while the execution runs.
  return deps_.executions.SetArchived(row.key, request.state() == flyteidl::admin::EXECUTION_ARCHIVED,
                                      deps_.clock.NowMillis());
}

Status ExecutionService::GetExecutionData(const flyteidl::admin::WorkflowExecutionGetDataRequest& request,
                                          flyteidl::admin::WorkflowExecutionGetDataResponse* response) {
  RETURN_IF_ERROR(ValidateExecutionId(request.id(), "id"));
  ASSIGN_OR_RETURN(store::ExecutionRow row, FindExecutionRow(deps_.executions, request.id()));
  flyteidl::admin::Execution execution;
  RETURN_IF_ERROR(ParsePayload(row.payload, IdText(request.id()), &execution));
  ASSIGN_OR_RETURN(std::string input_url, engine::ExecutionInputsUrl(deps_.blobs, row.key));
  return FillData(deps_.blobs, input_url, execution.closure(), response);
}

Status NodeExecutionService::GetNodeExecution(const flyteidl::admin::NodeExecutionGetRequest& request,
                                              flyteidl::admin::NodeExecution* response) {
  RETURN_IF_ERROR(ValidateNodeExecutionId(request.id(), "id"));
  ASSIGN_OR_RETURN(*response, LoadNodeExecution(deps_.executions, request.id()));
  return absl::OkStatus();
}

Status NodeExecutionService::ListNodeExecutions(const flyteidl::admin::NodeExecutionListRequest& request,
                                                flyteidl::admin::NodeExecutionList* response) {
  const WorkflowExecutionIdentifier& execution = request.workflow_execution_id();
  RETURN_IF_ERROR(ValidateExecutionId(execution, "workflow_execution_id"));
  // flyteadmin resolves the parent first, so an unknown parent is NOT_FOUND rather than no children.
  if (!request.unique_parent_id().empty()) {
    NodeExecutionIdentifier parent;
    *parent.mutable_execution_id() = execution;
    parent.set_node_id(request.unique_parent_id());
    RETURN_IF_ERROR(LoadNodeExecution(deps_.executions, parent).status());
  }
  ASSIGN_OR_RETURN(store::ListQuery query, BuildListQuery(ListParamsOf(request), NodeExecutionColumns(),
                                                          {store::Ascending(store::Column::kCreatedAt),
                                                           store::Ascending(store::Column::kNodeId)}));
  ASSIGN_OR_RETURN(std::vector<store::NodeExecutionRow> rows,
                   deps_.executions.ListNodeExecutions(ExecutionKeyOf(execution), request.unique_parent_id(), query));
  for (const auto& row : rows) {
    RETURN_IF_ERROR(
        ParsePayload(row.payload, "node " + row.node_id + " of " + IdText(execution), response->add_node_executions()));
  }
  response->set_token(NextPageToken(query, rows.size()));
  return absl::OkStatus();
}

Status NodeExecutionService::GetNodeExecutionData(const flyteidl::admin::NodeExecutionGetDataRequest& request,
                                                  flyteidl::admin::NodeExecutionGetDataResponse* response) {
  RETURN_IF_ERROR(ValidateNodeExecutionId(request.id(), "id"));
  ASSIGN_OR_RETURN(flyteidl::admin::NodeExecution node, LoadNodeExecution(deps_.executions, request.id()));
  RETURN_IF_ERROR(FillData(deps_.blobs, node.input_uri(), node.closure(), response));
  SetFlyteUrls(FlyteUrlBase(request.id()), !node.closure().deck_uri().empty(), response->mutable_flyte_urls());
  if (!node.closure().dynamic_job_spec_uri().empty()) {
    ASSIGN_OR_RETURN(*response->mutable_dynamic_workflow(), LoadDynamicWorkflow(deps_.blobs, node));
  }
  return absl::OkStatus();
}

Status NodeExecutionService::GetDynamicNodeWorkflow(const flyteidl::admin::GetDynamicNodeWorkflowRequest& request,
                                                    flyteidl::admin::DynamicNodeWorkflowResponse* response) {
  RETURN_IF_ERROR(ValidateNodeExecutionId(request.id(), "id"));
  ASSIGN_OR_RETURN(flyteidl::admin::NodeExecution node, LoadNodeExecution(deps_.executions, request.id()));
  ASSIGN_OR_RETURN(flyteidl::admin::DynamicWorkflowNodeMetadata dynamic, LoadDynamicWorkflow(deps_.blobs, node));
  *response->mutable_compiled_workflow() = std::move(*dynamic.mutable_compiled_workflow());
  return absl::OkStatus();
}

Status NodeExecutionService::GetTaskExecution(const flyteidl::admin::TaskExecutionGetRequest& request,
                                              flyteidl::admin::TaskExecution* response) {
  RETURN_IF_ERROR(ValidateTaskExecutionId(request.id()));
  ASSIGN_OR_RETURN(*response, LoadTaskExecution(deps_.executions, request.id()));
  return absl::OkStatus();
}

Status NodeExecutionService::ListTaskExecutions(const flyteidl::admin::TaskExecutionListRequest& request,
                                                flyteidl::admin::TaskExecutionList* response) {
  const NodeExecutionIdentifier& node = request.node_execution_id();
  RETURN_IF_ERROR(ValidateNodeExecutionId(node, "node_execution_id"));
  ASSIGN_OR_RETURN(store::ListQuery query, BuildListQuery(ListParamsOf(request), TaskExecutionColumns(),
                                                          {store::Ascending(store::Column::kRetryAttempt)}));
  ASSIGN_OR_RETURN(std::vector<store::TaskExecutionRow> rows,
                   deps_.executions.ListTaskExecutions(ExecutionKeyOf(node.execution_id()), node.node_id(), query));
  for (const auto& row : rows) {
    RETURN_IF_ERROR(ParsePayload(row.payload, "attempt " + std::to_string(row.retry_attempt) + " of " + IdText(node),
                                 response->add_task_executions()));
  }
  response->set_token(NextPageToken(query, rows.size()));
  return absl::OkStatus();
}

Status NodeExecutionService::GetTaskExecutionData(const flyteidl::admin::TaskExecutionGetDataRequest& request,
                                                  flyteidl::admin::TaskExecutionGetDataResponse* response) {
  RETURN_IF_ERROR(ValidateTaskExecutionId(request.id()));
  ASSIGN_OR_RETURN(flyteidl::admin::TaskExecution attempt, LoadTaskExecution(deps_.executions, request.id()));
  RETURN_IF_ERROR(FillData(deps_.blobs, attempt.input_uri(), attempt.closure(), response));
  // flyteadmin never offers a deck link per attempt, only per node.
  SetFlyteUrls(FlyteUrlBase(request.id().node_execution_id()) + "/" + std::to_string(request.id().retry_attempt()),
               false, response->mutable_flyte_urls());
  return absl::OkStatus();
}

}  // namespace flyte::admin
