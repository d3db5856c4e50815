// Flyte 2's list requests (flyteidl2.common.ListRequest: typed filters, sort, limit, token) as a
// store::ListQuery, through the same column maps, value conversions and tokens as Flyte 1's.
#pragma once

#include <flyteidl2/common/list.pb.h>

#include "admin/list_request.h"

namespace flyte::admin {

// INVALID_ARGUMENT for a field the list does not have (labels are not kept as columns) or a filter
// function without a store operator (ENDS_WITH, EXISTS, ...).
StatusOr<store::ListQuery> BuildV2ListQuery(const flyteidl2::common::ListRequest& request, const ColumnMap& columns,
                                            std::vector<store::SortKey> default_sort);

}  // namespace flyte::admin
