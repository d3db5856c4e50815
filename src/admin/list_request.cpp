#include "admin/list_request.h"

#include <google/protobuf/descriptor.h>

#include "flyteidl/admin/execution.pb.h"
#include "flyteidl/core/execution.pb.h"
#include "flyteidl2/common/phase.pb.h"
#include "flyteidl2/workflow/run_definition.pb.h"

namespace flyte::admin {
namespace {

using Col = store::Column;

// Clients filter on a proto enum by its value names ("eq(phase,SUCCEEDED)"); taking them from the
// descriptor keeps the lists in step with flyteidl.
Column ProtoEnumColumn(store::Column store_column, const google::protobuf::EnumDescriptor& descriptor) {
  std::map<std::string, int64_t, std::less<>> values;
  for (int i = 0; i < descriptor.value_count(); ++i) {
    values.emplace(std::string(descriptor.value(i)->name()), descriptor.value(i)->number());
  }
  return EnumColumn(store_column, std::move(values));
}

// flyteadmin's execution tables keep the execution's own timestamps in `<entity>_created_at` /
// `<entity>_updated_at` next to gorm's row timestamps; we have one pair, so both names map to it.
// The columns of such a table: `base` and those timestamps, under `<entity>.` as well.
ColumnMap ExecutionTableColumns(const std::string& entity, ColumnMap base) {
  base.emplace("created_at", TimestampColumn(Col::kCreatedAt));
  base.emplace("updated_at", TimestampColumn(Col::kUpdatedAt));
  base.emplace(entity + "_created_at", TimestampColumn(Col::kCreatedAt));
  base.emplace(entity + "_updated_at", TimestampColumn(Col::kUpdatedAt));
  return WithEntityPrefix(entity, base);
}

}  // namespace

StatusOr<store::ListQuery> BuildListQuery(const ListParams& params, const ColumnMap& columns,
                                          std::vector<store::SortKey> default_sort) {
  store::ListQuery query;
  query.limit = params.limit == 0 ? kDefaultLimit : std::min<int64_t>(params.limit, kMaxLimit);
  ASSIGN_OR_RETURN(query.offset, ParseToken(params.token));
  ASSIGN_OR_RETURN(std::vector<Filter> filters, ParseFilters(params.filters));
  ASSIGN_OR_RETURN(query.where, ToPredicates(filters, columns));
  if (params.sort != nullptr && !params.sort->key().empty()) {
    ASSIGN_OR_RETURN(
        store::SortKey key,
        SortKeyOf(params.sort->key(), params.sort->direction() == flyteidl::admin::Sort::ASCENDING, columns));
    query.sort = {key};
  } else {
    query.sort = std::move(default_sort);
  }
  return query;
}

std::string NextPageToken(const store::ListQuery& query, size_t returned) {
  return NextToken(query.offset, query.limit.value_or(0), static_cast<int64_t>(returned));
}

const ColumnMap& EntityColumns() {
  static const ColumnMap columns = [] {
    ColumnMap base{{"project", TextColumn(Col::kProject)},
                   {"domain", TextColumn(Col::kDomain)},
                   {"name", TextColumn(Col::kName)},
                   {"version", TextColumn(Col::kVersion)},
                   {"created_at", TimestampColumn(Col::kCreatedAt)}};
    ColumnMap out = WithEntityPrefix("task", base);
    out.merge(WithEntityPrefix("workflow", base));
    return out;
  }();
  return columns;
}

const ColumnMap& LaunchPlanColumns() {
  static const ColumnMap columns = [] {
    ColumnMap base{{"project", TextColumn(Col::kProject)},
                   {"domain", TextColumn(Col::kDomain)},
                   {"name", TextColumn(Col::kName)},
                   {"version", TextColumn(Col::kVersion)},
                   {"created_at", TimestampColumn(Col::kCreatedAt)},
                   {"updated_at", TimestampColumn(Col::kUpdatedAt)},
                   {"state", EnumColumn(Col::kState, {{"INACTIVE", 0}, {"ACTIVE", 1}})},
                   {"workflow.name", TextColumn(Col::kWorkflowName)}};
    return WithEntityPrefix("launch_plan", base);
  }();
  return columns;
}

const ColumnMap& ProjectColumns() {
  static const ColumnMap columns = WithEntityPrefix(
      "project", {{"identifier", TextColumn(Col::kProject)},
                  {"name", TextColumn(Col::kName)},
                  {"state", EnumColumn(Col::kState, {{"ACTIVE", 0}, {"ARCHIVED", 1}, {"SYSTEM_GENERATED", 2}})},
                  {"created_at", TimestampColumn(Col::kCreatedAt)}});
  return columns;
}

const ColumnMap& NamedEntityColumns() {
  static const ColumnMap columns = WithEntityPrefix(
      "named_entity_metadata",
      {{"name", TextColumn(Col::kName)},
       {"state",
        EnumColumn(Col::kState, {{"NAMED_ENTITY_ACTIVE", 0}, {"NAMED_ENTITY_ARCHIVED", 1}, {"SYSTEM_GENERATED", 2}})},
       {"description", TextColumn(Col::kDescription)}});
  return columns;
}

const ColumnMap& DescriptionColumns() {
  static const ColumnMap columns =
      WithEntityPrefix("description_entity", {{"name", TextColumn(Col::kName)},
                                              {"version", TextColumn(Col::kVersion)},
                                              {"created_at", TimestampColumn(Col::kCreatedAt)}});
  return columns;
}

// flyteadmin's filter names for executions are its column names (models.ExecutionColumns), with
// project/domain/name meaning execution_project/...; joined entities give workflow.name,
// launch_plan.name and task.name, which we keep as columns of the execution, and execution_tag.key
// and .value, its tags and labels (flyteadmin's execution_tags table; a filter matches an execution
// when one of them does).
const ColumnMap& ExecutionColumns() {
  static const ColumnMap columns = ExecutionTableColumns(
      "execution",
      {{"project", TextColumn(Col::kProject)},
       {"domain", TextColumn(Col::kDomain)},
       {"name", TextColumn(Col::kName)},
       {"execution_project", TextColumn(Col::kProject)},
       {"execution_domain", TextColumn(Col::kDomain)},
       {"execution_name", TextColumn(Col::kName)},
       {"phase", ProtoEnumColumn(Col::kPhase, *flyteidl::core::WorkflowExecution::Phase_descriptor())},
       {"started_at", TimestampColumn(Col::kStartedAt)},
       {"duration", DurationColumn(Col::kDuration)},
       {"mode", ProtoEnumColumn(Col::kMode, *flyteidl::admin::ExecutionMetadata::ExecutionMode_descriptor())},
       {"state", ProtoEnumColumn(Col::kArchived, *flyteidl::admin::ExecutionState_descriptor())},
       {"workflow.name", TextColumn(Col::kWorkflowName)},
       {"launch_plan.name", TextColumn(Col::kLaunchPlanName)},
       {"task.name", TextColumn(Col::kTaskName)},
       {"execution_tag.key", TextSetColumn(Col::kTagKey)},
       {"execution_tag.value", TextSetColumn(Col::kTagValue)}});
  return columns;
}

const ColumnMap& NodeExecutionColumns() {
  static const ColumnMap columns = ExecutionTableColumns(
      "node_execution", {{"node_id", TextColumn(Col::kNodeId)},
                         {"phase", ProtoEnumColumn(Col::kPhase, *flyteidl::core::NodeExecution::Phase_descriptor())}});
  return columns;
}

const ColumnMap& TaskExecutionColumns() {
  static const ColumnMap columns = ExecutionTableColumns(
      "task_execution", {{"node_id", TextColumn(Col::kNodeId)},
                         {"retry_attempt", IntegerColumn(Col::kRetryAttempt)},
                         {"phase", ProtoEnumColumn(Col::kPhase, *flyteidl::core::TaskExecution::Phase_descriptor())}});
  return columns;
}

// flyteadmin's signal model has only its own and gorm's timestamp columns next to the key.
const ColumnMap& SignalColumns() {
  static const ColumnMap columns = WithEntityPrefix("signal", {{"signal_id", TextColumn(Col::kSignalId)},
                                                               {"created_at", TimestampColumn(Col::kCreatedAt)},
                                                               {"updated_at", TimestampColumn(Col::kUpdatedAt)}});
  return columns;
}

// Flyte 2's runs and actions: the fields the SDK filters and sorts on (flyte/remote/_run.py,
// _action.py). Phases come as numbers ("1") or names ("ACTION_PHASE_QUEUED").
const ColumnMap& RunColumns() {
  static const ColumnMap columns{{"name", TextColumn(Col::kName)},
                                 {"phase", ProtoEnumColumn(Col::kPhase, *flyteidl2::common::ActionPhase_descriptor())},
                                 {"task_name", TextColumn(Col::kTaskName)},
                                 {"task_version", TextColumn(Col::kTaskVersion)},
                                 {"created_at", TimestampColumn(Col::kCreatedAt)},
                                 {"updated_at", TimestampColumn(Col::kUpdatedAt)}};
  return columns;
}

const ColumnMap& ActionColumns() {
  static const ColumnMap columns{
      {"name", TextColumn(Col::kName)},
      {"parent_name", TextColumn(Col::kParentName)},
      {"action_type", ProtoEnumColumn(Col::kActionType, *flyteidl2::workflow::ActionType_descriptor())},
      {"phase", ProtoEnumColumn(Col::kPhase, *flyteidl2::common::ActionPhase_descriptor())},
      {"task_name", TextColumn(Col::kTaskName)},
      {"created_at", TimestampColumn(Col::kCreatedAt)},
      {"updated_at", TimestampColumn(Col::kUpdatedAt)}};
  return columns;
}

const ColumnMap& V2TaskColumns() {
  static const ColumnMap columns{{"name", TextColumn(Col::kName)},
                                 {"version", TextColumn(Col::kVersion)},
                                 {"created_at", TimestampColumn(Col::kCreatedAt)}};
  return columns;
}

const ColumnMap& V2TaskVersionColumns() {
  static const ColumnMap columns{{"version", TextColumn(Col::kVersion)},
                                 {"created_at", TimestampColumn(Col::kCreatedAt)}};
  return columns;
}

}  // namespace flyte::admin
