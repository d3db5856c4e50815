#include "plugins/container/resource_limits.h"

#include <doctest/doctest.h>

#include <string>

namespace flyte::plugins {
namespace {

using flyteidl::core::Resources;

Resources With(std::initializer_list<std::pair<Resources::ResourceName, std::string>> requests,
               std::initializer_list<std::pair<Resources::ResourceName, std::string>> limits) {
  Resources resources;
  for (const auto& [name, value] : requests) {
    auto* entry = resources.add_requests();
    entry->set_name(name);
    entry->set_value(value);
  }
  for (const auto& [name, value] : limits) {
    auto* entry = resources.add_limits();
    entry->set_name(name);
    entry->set_value(value);
  }
  return resources;
}

TEST_CASE("resource limits: the limit binds, else the request; zero or nothing is no limit") {
  ResourceLimits limits =
      LimitsOf(With({{Resources::MEMORY, "16Mi"}}, {{Resources::MEMORY, "64Mi"}, {Resources::CPU, "500m"}}), 4);
  CHECK(limits.memory_bytes == 64 << 20);
  CHECK(limits.memory == "64Mi");
  CHECK(limits.nano_cpus == 500'000'000);

  limits = LimitsOf(With({{Resources::MEMORY, "129e6"}, {Resources::CPU, "0.25"}}, {{Resources::MEMORY, "0"}}), 4);
  CHECK(limits.memory_bytes == 129'000'000);
  CHECK(limits.nano_cpus == 250'000'000);

  limits = LimitsOf(With({{Resources::CPU, "0"}, {Resources::MEMORY, "0"}}, {}), 4);
  CHECK(limits.memory_bytes == 0);
  CHECK(limits.memory.empty());
  CHECK(limits.nano_cpus == 0);
}

TEST_CASE("resource limits: cpu stays within this machine; a value that is not a quantity is not enforced") {
  CHECK(LimitsOf(With({}, {{Resources::CPU, "8"}}), 2).nano_cpus == 2'000'000'000);
  CHECK(LimitsOf(With({}, {{Resources::CPU, "1m"}}), 2).nano_cpus == 10'000'000);
  const ResourceLimits bad = LimitsOf(With({}, {{Resources::MEMORY, "lots"}, {Resources::CPU, "1"}}), 2);
  CHECK(bad.memory_bytes == 0);
  CHECK(bad.nano_cpus == 1'000'000'000);
}

}  // namespace
}  // namespace flyte::plugins
