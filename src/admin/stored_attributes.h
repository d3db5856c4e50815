// The matchable attributes stored for exactly one scope (project, project-domain or workflow) and
// resource type: what execution settings and task resources are resolved from.
#pragma once

#include <optional>

#include "common/status.h"
#include "flyteidl/admin/matchable_resource.pb.h"
#include "store/registry.h"

namespace flyte::admin {

// nullopt when nothing is set there.
StatusOr<std::optional<flyteidl::admin::MatchingAttributes>> StoredAttributes(store::Registry& registry,
                                                                              const store::AttributesKey& key);

}  // namespace flyte::admin
