#include "admin/list_request.h"

namespace flyte::admin {

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

}  // namespace flyte::admin
