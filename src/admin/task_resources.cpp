#include "admin/task_resources.h"

#include <map>
#include <optional>

#include "admin/stored_attributes.h"
#include "common/log.h"
#include "common/quantity.h"

namespace flyte::admin {
namespace {

using flyteidl::admin::TaskResourceAttributes;
using flyteidl::admin::TaskResourceSpec;
using flyteidl::core::Resources;
using Entries = google::protobuf::RepeatedPtrField<Resources::ResourceEntry>;

// A value that does not parse counts as unset, with a warning (FlyteAdmin's parseQuantityNoError):
// registration refuses such values in tasks, so only attributes and older records get here.
Quantity QuantityOrZero(const std::string& text, std::string_view what) {
  if (text.empty()) return {};
  StatusOr<Quantity> quantity = Quantity::Parse(text);
  if (quantity.ok()) return *quantity;
  log::Warn("admin", "a task resource is not a quantity; ignored",
            {{"resource", std::string(what)}, {"error", std::string(quantity.status().message())}});
  return {};
}

Quantity EntryOf(const Entries& entries, Resources::ResourceName name, std::string_view what) {
  for (const auto& entry : entries) {
    if (entry.name() == name) return QuantityOrZero(entry.value(), what);
  }
  return {};
}

Quantity SpecOf(const TaskResourceSpec& spec, Resources::ResourceName name) {
  switch (name) {
    case Resources::CPU:
      return QuantityOrZero(spec.cpu(), "cpu");
    case Resources::MEMORY:
      return QuantityOrZero(spec.memory(), "memory");
    case Resources::EPHEMERAL_STORAGE:
      return QuantityOrZero(spec.ephemeral_storage(), "ephemeral_storage");
    case Resources::GPU:
      return QuantityOrZero(spec.gpu(), "gpu");
    default:
      return {};
  }
}

// Lowered to `ceiling` when above it; a zero on either side is no bound.
Quantity AtMost(const Quantity& value, const Quantity& ceiling) {
  return value.IsZero() || ceiling.IsZero() || value <= ceiling ? value : ceiling;
}

void AddEntry(Resources::ResourceName name, const Quantity& value, Entries* entries) {
  auto* entry = entries->Add();
  entry->set_name(name);
  entry->set_value(value.String());
}

std::string Field(std::string_view list, const Resources::ResourceEntry& entry) {
  return "container.resources." + std::string(list) + " " + Resources::ResourceName_Name(entry.name());
}

// The checked entries of one list, by name.
StatusOr<std::map<int, Quantity>> CheckedEntries(const Entries& entries, std::string_view list) {
  std::map<int, Quantity> checked;
  for (const auto& entry : entries) {
    if (entry.name() != Resources::CPU && entry.name() != Resources::MEMORY && entry.name() != Resources::GPU &&
        entry.name() != Resources::EPHEMERAL_STORAGE) {
      continue;
    }
    if (checked.count(entry.name()) != 0) {
      return absl::InvalidArgumentError(Field(list, entry) + " is given more than once");
    }
    StatusOr<Quantity> quantity = Quantity::Parse(entry.value());
    if (!quantity.ok())
      return absl::InvalidArgumentError(Field(list, entry) + ": " + std::string(quantity.status().message()));
    // FlyteAdmin asks for whole GPUs.
    if (entry.name() == Resources::GPU && quantity->NanoValue() % 1'000'000'000 != 0) {
      return absl::InvalidArgumentError(Field(list, entry) + " must be a whole number, not " + entry.value());
    }
    checked[entry.name()] = *quantity;
  }
  return checked;
}

}  // namespace

StatusOr<TaskResourceAttributes> ResolveTaskResources(store::Registry& registry, const TaskResourceAttributes& platform,
                                                      const std::string& project, const std::string& domain,
                                                      const std::string& workflow) {
  const int type = flyteidl::admin::TASK_RESOURCE;
  std::vector<store::AttributesKey> scopes;
  if (!workflow.empty()) scopes.push_back({type, project, domain, workflow, ""});
  scopes.push_back({type, project, domain, "", ""});
  scopes.push_back({type, project, "", "", ""});
  for (const store::AttributesKey& scope : scopes) {
    ASSIGN_OR_RETURN(std::optional<flyteidl::admin::MatchingAttributes> stored, StoredAttributes(registry, scope));
    if (stored) return stored->task_resource_attributes();
  }
  return platform;
}

void SetTaskResourceDefaults(const TaskResourceAttributes& resources, flyteidl::core::TaskTemplate* task) {
  if (!task->has_container()) return;
  const Resources& own = task->container().resources();
  Resources filled;
  for (const Resources::ResourceName name :
       {Resources::CPU, Resources::MEMORY, Resources::EPHEMERAL_STORAGE, Resources::GPU}) {
    const std::string what = Resources::ResourceName_Name(name);
    Quantity request = EntryOf(own.requests(), name, what);
    Quantity limit = EntryOf(own.limits(), name, what);
    const Quantity platform_default = SpecOf(resources.defaults(), name);
    const Quantity platform_limit = SpecOf(resources.limits(), name);
    const bool always = name == Resources::CPU || name == Resources::MEMORY;
    if (!always && request.IsZero() && limit.IsZero() && platform_default.IsZero()) continue;
    // FlyteAdmin's AdjustOrDefaultResource.
    if (request.IsZero()) request = limit.IsZero() ? platform_default : limit;
    if (limit.IsZero()) limit = request;
    request = AtMost(request, platform_limit);
    limit = AtMost(limit, platform_limit);
    request = AtMost(request, limit);
    AddEntry(name, request, filled.mutable_requests());
    AddEntry(name, limit, filled.mutable_limits());
  }
  *task->mutable_container()->mutable_resources() = std::move(filled);
}

Status ValidateTaskResources(const flyteidl::core::TaskTemplate& task, const TaskResourceSpec& ceilings) {
  if (!task.has_container()) return absl::OkStatus();
  const Resources& resources = task.container().resources();
  ASSIGN_OR_RETURN(const auto requests, CheckedEntries(resources.requests(), "requests"));
  ASSIGN_OR_RETURN(const auto limits, CheckedEntries(resources.limits(), "limits"));
  // Compared in whole units, as FlyteAdmin compares them (500m and 600m are both 1 cpu).
  const auto above_ceiling = [&ceilings](int name, const Quantity& value, std::string_view kind) -> Status {
    const auto resource = static_cast<Resources::ResourceName>(name);
    const Quantity ceiling = SpecOf(ceilings, resource);
    if (ceiling.IsZero() || value.Value() <= ceiling.Value()) return absl::OkStatus();
    return absl::InvalidArgumentError("container.resources: the " + Resources::ResourceName_Name(resource) + " " +
                                      std::string(kind) + " " + value.String() + " is above the platform's limit " +
                                      ceiling.String() + " (task resource attributes, else tasks.resources.limits)");
  };
  for (const auto& [name, limit] : limits) {
    if (name != Resources::GPU) RETURN_IF_ERROR(above_ceiling(name, limit, "limit"));
  }
  for (const auto& [name, request] : requests) {
    RETURN_IF_ERROR(above_ceiling(name, request, "request"));
    const auto limit = limits.find(name);
    if (limit == limits.end()) continue;
    const std::string what = Resources::ResourceName_Name(static_cast<Resources::ResourceName>(name));
    if (name == Resources::GPU && request.Value() != limit->second.Value()) {
      return absl::InvalidArgumentError("container.resources: the GPU request must equal its limit");
    }
    if (request.Value() > limit->second.Value()) {
      return absl::InvalidArgumentError("container.resources: the " + what + " request " + request.String() +
                                        " is above its limit " + limit->second.String());
    }
  }
  return absl::OkStatus();
}

}  // namespace flyte::admin
