#include "admin/stored_attributes.h"

namespace flyte::admin {

StatusOr<std::optional<flyteidl::admin::MatchingAttributes>> StoredAttributes(store::Registry& registry,
                                                                              const store::AttributesKey& key) {
  StatusOr<store::AttributesRow> row = registry.GetAttributes(key);
  if (absl::IsNotFound(row.status())) return std::nullopt;
  if (!row.ok()) return row.status();
  flyteidl::admin::MatchingAttributes attributes;
  if (!attributes.ParseFromString(row->payload)) return absl::InternalError("corrupt attributes record");
  return attributes;
}

}  // namespace flyte::admin
