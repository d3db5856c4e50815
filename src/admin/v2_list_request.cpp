#include "admin/v2_list_request.h"

namespace flyte::admin {
namespace {

using Function = flyteidl2::common::Filter::Function;

StatusOr<FilterOp> OpOf(Function function) {
  switch (function) {
    case flyteidl2::common::Filter::EQUAL:
      return FilterOp::kEq;
    case flyteidl2::common::Filter::NOT_EQUAL:
      return FilterOp::kNe;
    case flyteidl2::common::Filter::GREATER_THAN:
      return FilterOp::kGt;
    case flyteidl2::common::Filter::GREATER_THAN_OR_EQUAL:
      return FilterOp::kGte;
    case flyteidl2::common::Filter::LESS_THAN:
      return FilterOp::kLt;
    case flyteidl2::common::Filter::LESS_THAN_OR_EQUAL:
      return FilterOp::kLte;
    case flyteidl2::common::Filter::CONTAINS:
      return FilterOp::kContains;
    case flyteidl2::common::Filter::VALUE_IN:
      return FilterOp::kValueIn;
    case flyteidl2::common::Filter::VALUE_NOT_IN:
      return FilterOp::kValueNotIn;
    default:
      return absl::InvalidArgumentError("filter function " + flyteidl2::common::Filter::Function_Name(function) +
                                        " is not supported");
  }
}

}  // namespace

StatusOr<store::ListQuery> BuildV2ListQuery(const flyteidl2::common::ListRequest& request, const ColumnMap& columns,
                                            std::vector<store::SortKey> default_sort) {
  if (!request.raw_filters().empty()) return absl::InvalidArgumentError("raw_filters are not supported");
  store::ListQuery query;
  query.limit = request.limit() == 0 ? kDefaultLimit : std::min<int64_t>(request.limit(), kMaxLimit);
  ASSIGN_OR_RETURN(query.offset, ParseToken(request.token()));
  std::vector<Filter> filters;
  for (const auto& filter : request.filters()) {
    ASSIGN_OR_RETURN(FilterOp op, OpOf(filter.function()));
    filters.push_back({op, "", filter.field(), {filter.values().begin(), filter.values().end()}});
  }
  ASSIGN_OR_RETURN(query.where, ToPredicates(filters, columns));
  std::vector<flyteidl2::common::Sort> sorts(request.sort_by_fields().begin(), request.sort_by_fields().end());
  if (sorts.empty() && request.has_sort_by()) sorts.push_back(request.sort_by());
  for (const auto& sort : sorts) {
    if (sort.key().empty()) continue;
    ASSIGN_OR_RETURN(store::SortKey key,
                     SortKeyOf(sort.key(), sort.direction() == flyteidl2::common::Sort::ASCENDING, columns));
    query.sort.push_back(key);
  }
  if (query.sort.empty()) query.sort = std::move(default_sort);
  return query;
}

}  // namespace flyte::admin
