#include "admin/list_request.h"

#include <google/protobuf/descriptor.h>

#include "flyteidl/admin/execution.pb.h"
#include "flyteidl/core/execution.pb.h"

namespace flyte::admin {
namespace {

// Clients filter on a proto enum by its value names ("eq(phase,SUCCEEDED)"); taking them from the
// descriptor keeps the lists in step with flyteidl.
Column ProtoEnumColumn(std::string sql_name, const google::protobuf::EnumDescriptor& descriptor) {
  std::map<std::string, int64_t, std::less<>> values;
  for (int i = 0; i < descriptor.value_count(); ++i) {
    values.emplace(std::string(descriptor.value(i)->name()), descriptor.value(i)->number());
  }
  return EnumColumn(std::move(sql_name), std::move(values));
}

// flyteadmin's execution tables keep the execution's own timestamps in `<entity>_created_at` /
// `<entity>_updated_at` next to gorm's row timestamps; we have one pair, so both names map to it.
void AddTimestamps(ColumnMap& columns, const std::string& entity) {
  columns.emplace("created_at", TimestampColumn("created_at"));
  columns.emplace("updated_at", TimestampColumn("updated_at"));
  columns.emplace(entity + "_created_at", TimestampColumn("created_at"));
  columns.emplace(entity + "_updated_at", TimestampColumn("updated_at"));
}

}  // namespace

StatusOr<store::ListQuery> BuildListQuery(const ListParams& params, const ColumnMap& columns,
                                          std::string default_order) {
  store::ListQuery query;
  query.limit = params.limit == 0 ? kDefaultLimit : std::min<int64_t>(params.limit, kMaxLimit);
  ASSIGN_OR_RETURN(query.offset, ParseToken(params.token));
  ASSIGN_OR_RETURN(std::vector<Filter> filters, ParseFilters(params.filters));
  ASSIGN_OR_RETURN(SqlPredicate predicate, ToSql(filters, columns));
  query.where = std::move(predicate.sql);
  query.params = std::move(predicate.params);
  if (params.sort != nullptr && !params.sort->key().empty()) {
    ASSIGN_OR_RETURN(query.order_by, OrderBy(params.sort->key(),
                                             params.sort->direction() == flyteidl::admin::Sort::ASCENDING, columns));
  } else {
    query.order_by = std::move(default_order);
  }
  return query;
}

void AddCondition(store::ListQuery& query, const std::string& sql, std::vector<store::SqlParam> params) {
  query.where = query.where.empty() ? sql : "(" + query.where + ") AND " + sql;
  query.params.insert(query.params.end(), std::make_move_iterator(params.begin()),
                      std::make_move_iterator(params.end()));
}

std::string NextPageToken(const store::ListQuery& query, size_t returned) {
  return NextToken(query.offset, query.limit, static_cast<int64_t>(returned));
}

const ColumnMap& EntityColumns() {
  static const ColumnMap columns = [] {
    ColumnMap base{{"project", TextColumn("project")},
                   {"domain", TextColumn("domain")},
                   {"name", TextColumn("name")},
                   {"version", TextColumn("version")},
                   {"created_at", TimestampColumn("created_at")}};
    ColumnMap out = WithEntityPrefix("task", base);
    out.merge(WithEntityPrefix("workflow", base));
    return out;
  }();
  return columns;
}

const ColumnMap& LaunchPlanColumns() {
  static const ColumnMap columns = [] {
    ColumnMap base{{"project", TextColumn("project")},
                   {"domain", TextColumn("domain")},
                   {"name", TextColumn("name")},
                   {"version", TextColumn("version")},
                   {"created_at", TimestampColumn("created_at")},
                   {"updated_at", TimestampColumn("updated_at")},
                   {"state", EnumColumn("state", {{"INACTIVE", 0}, {"ACTIVE", 1}})},
                   {"workflow.name", TextColumn("workflow_name")}};
    return WithEntityPrefix("launch_plan", base);
  }();
  return columns;
}

const ColumnMap& ProjectColumns() {
  static const ColumnMap columns = WithEntityPrefix(
      "project", {{"identifier", TextColumn("id")},
                  {"name", TextColumn("name")},
                  {"state", EnumColumn("state", {{"ACTIVE", 0}, {"ARCHIVED", 1}, {"SYSTEM_GENERATED", 2}})},
                  {"created_at", TimestampColumn("created_at")}});
  return columns;
}

const ColumnMap& NamedEntityColumns() {
  static const ColumnMap columns = WithEntityPrefix(
      "named_entity_metadata",
      {{"name", TextColumn("name")},
       {"state",
        EnumColumn("state", {{"NAMED_ENTITY_ACTIVE", 0}, {"NAMED_ENTITY_ARCHIVED", 1}, {"SYSTEM_GENERATED", 2}})},
       {"description", TextColumn("description")}});
  return columns;
}

const ColumnMap& DescriptionColumns() {
  static const ColumnMap columns =
      WithEntityPrefix("description_entity", {{"name", TextColumn("name")},
                                              {"version", TextColumn("version")},
                                              {"created_at", TimestampColumn("created_at")}});
  return columns;
}

// flyteadmin's filter names for executions are its column names (models.ExecutionColumns), with
// project/domain/name meaning execution_project/...; joined entities give workflow.name,
// launch_plan.name and task.name, which we keep as columns of the execution.
const ColumnMap& ExecutionColumns() {
  static const ColumnMap columns = [] {
    ColumnMap base{{"project", TextColumn("project")},
                   {"domain", TextColumn("domain")},
                   {"name", TextColumn("name")},
                   {"execution_project", TextColumn("project")},
                   {"execution_domain", TextColumn("domain")},
                   {"execution_name", TextColumn("name")},
                   {"phase", ProtoEnumColumn("phase", *flyteidl::core::WorkflowExecution::Phase_descriptor())},
                   {"started_at", TimestampColumn("started_at")},
                   {"duration", DurationColumn("duration_ms")},
                   {"mode", ProtoEnumColumn("mode", *flyteidl::admin::ExecutionMetadata::ExecutionMode_descriptor())},
                   {"state", ProtoEnumColumn("archived", *flyteidl::admin::ExecutionState_descriptor())},
                   {"workflow.name", TextColumn("workflow")},
                   {"launch_plan.name", TextColumn("launch_plan")},
                   {"task.name", TextColumn("task")}};
    AddTimestamps(base, "execution");
    return WithEntityPrefix("execution", base);
  }();
  return columns;
}

const ColumnMap& NodeExecutionColumns() {
  static const ColumnMap columns = [] {
    ColumnMap base{{"node_id", TextColumn("node_id")},
                   {"phase", ProtoEnumColumn("phase", *flyteidl::core::NodeExecution::Phase_descriptor())}};
    AddTimestamps(base, "node_execution");
    return WithEntityPrefix("node_execution", base);
  }();
  return columns;
}

const ColumnMap& TaskExecutionColumns() {
  static const ColumnMap columns = [] {
    ColumnMap base{{"node_id", TextColumn("node_id")},
                   {"retry_attempt", IntegerColumn("retry_attempt")},
                   {"phase", ProtoEnumColumn("phase", *flyteidl::core::TaskExecution::Phase_descriptor())}};
    AddTimestamps(base, "task_execution");
    return WithEntityPrefix("task_execution", base);
  }();
  return columns;
}

// flyteadmin's signal model has only its own and gorm's timestamp columns next to the key.
const ColumnMap& SignalColumns() {
  static const ColumnMap columns = WithEntityPrefix("signal", {{"signal_id", TextColumn("signal_id")},
                                                               {"created_at", TimestampColumn("created_at")},
                                                               {"updated_at", TimestampColumn("updated_at")}});
  return columns;
}

}  // namespace flyte::admin
