// What the admin layer reads from the sandbox's configuration; app/ fills it from the YAML file.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace flyte::admin {

struct AdminConfig {
  std::vector<std::string> seed_projects{"flytesnacks"};  // registered on first start
  std::vector<std::string> domains{"development", "staging", "production"};
  std::chrono::seconds signed_url_ttl{3600};  // lifetime of a signed data URL when the request sets none
};

}  // namespace flyte::admin
