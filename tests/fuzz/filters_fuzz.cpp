// A list request's filters, token and sort key (admin/filters.cpp, admin/list_request.cpp) through
// to the SQL the store would run (store/sql_query.cpp). Input: "<filters>\n<token>\n<sort key>".
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "admin/list_request.h"
#include "fuzz/fuzz_input.h"
#include "store/sql_query.h"

namespace {

using flyte::admin::ColumnMap;

// Every column of `columns` as some SQL expression, as a store's list declares them.
flyte::store::ListColumns SqlColumnsOf(const ColumnMap& columns) {
  flyte::store::ListColumns sql{"fuzz", {}};
  for (const auto& [name, column] : columns) sql.sql.emplace(column.store_column, "c");
  return sql;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  flyte::admin::ListParams params;
  params.filters = std::string(flyte::fuzz::NextLine(input));
  params.token = std::string(flyte::fuzz::NextLine(input));
  flyteidl::admin::Sort sort;
  sort.set_key(std::string(flyte::fuzz::NextLine(input)));
  sort.set_direction(size % 2 == 0 ? flyteidl::admin::Sort::ASCENDING : flyteidl::admin::Sort::DESCENDING);
  params.sort = &sort;
  for (const ColumnMap* columns :
       {&flyte::admin::ExecutionColumns(), &flyte::admin::TaskExecutionColumns(), &flyte::admin::LaunchPlanColumns()}) {
    auto query = flyte::admin::BuildListQuery(params, *columns, {});
    if (!query.ok()) continue;
    // The admin layer checked the request against its columns, so the store must accept it.
    if (!flyte::store::Paged("SELECT c FROM t WHERE 1", *query, SqlColumnsOf(*columns)).ok()) abort();
    (void)flyte::admin::NextPageToken(*query, 1);
  }
  if (auto filters = flyte::admin::ParseFilters(params.filters); filters.ok()) {
    for (const auto& filter : *filters) {
      (void)flyte::admin::FormatFilter(filter);
      for (const auto& value : filter.values) (void)flyte::store::LikeToGlob(value);
    }
  }
  return 0;
}
