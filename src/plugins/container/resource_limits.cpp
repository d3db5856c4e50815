#include "plugins/container/resource_limits.h"

#include <algorithm>
#include <optional>

#include "common/log.h"
#include "common/quantity.h"

namespace flyte::plugins {
namespace {

using flyteidl::core::Resources;

constexpr int64_t kNanosPerCpu = 1'000'000'000;
constexpr int64_t kLeastNanoCpus = kNanosPerCpu / 100;

// The entry's positive value, if it has one.
std::optional<Quantity> Positive(const google::protobuf::RepeatedPtrField<Resources::ResourceEntry>& entries,
                                 Resources::ResourceName name) {
  for (const auto& entry : entries) {
    if (entry.name() != name) continue;
    StatusOr<Quantity> quantity = Quantity::Parse(entry.value());
    if (!quantity.ok()) {
      log::Warn(
          "container", "a task resource is not a quantity; not enforced",
          {{"resource", Resources::ResourceName_Name(name)}, {"error", std::string(quantity.status().message())}});
      return std::nullopt;
    }
    if (quantity->IsPositive()) return *quantity;
  }
  return std::nullopt;
}

// The limit, else the request.
std::optional<Quantity> LimitOf(const Resources& resources, Resources::ResourceName name) {
  if (std::optional<Quantity> limit = Positive(resources.limits(), name)) return limit;
  return Positive(resources.requests(), name);
}

}  // namespace

ResourceLimits LimitsOf(const Resources& resources, int64_t host_cpus) {
  ResourceLimits limits;
  if (const std::optional<Quantity> memory = LimitOf(resources, Resources::MEMORY)) {
    limits.memory_bytes = memory->Value();
    limits.memory = memory->String();
  }
  if (const std::optional<Quantity> cpu = LimitOf(resources, Resources::CPU)) {
    const int64_t most = std::max<int64_t>(host_cpus, 1) * kNanosPerCpu;
    limits.nano_cpus = std::clamp(cpu->NanoValue(), kLeastNanoCpus, most);
  }
  return limits;
}

}  // namespace flyte::plugins
