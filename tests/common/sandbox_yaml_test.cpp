// config/sandbox.yaml documents every key with its default: it must parse to the defaults.
#include <doctest/doctest.h>

#include "common/config.h"

#ifndef FLYTE_SOURCE_DIR
#error "FLYTE_SOURCE_DIR must point at the repository"
#endif

namespace flyte {
namespace {

TEST_CASE("config/sandbox.yaml parses and matches the compiled-in defaults") {
  auto loaded = LoadConfigFile(std::string(FLYTE_SOURCE_DIR) + "/config/sandbox.yaml");
  REQUIRE(loaded.ok());
  const Config defaults = DefaultConfig();
  CHECK(loaded->bind_address == defaults.bind_address);
  CHECK(loaded->port == defaults.port);
  CHECK(loaded->public_address == defaults.public_address);
  CHECK(loaded->max_request_bytes == defaults.max_request_bytes);
  CHECK(loaded->shutdown_grace == defaults.shutdown_grace);
  CHECK(loaded->state_dir == defaults.state_dir);
  CHECK(loaded->client_config == defaults.client_config);
  CHECK(loaded->seed_projects == defaults.seed_projects);
  CHECK(loaded->domains == defaults.domains);
  CHECK(loaded->signed_url_ttl == defaults.signed_url_ttl);
  CHECK(loaded->task_path == defaults.task_path);
  CHECK(loaded->task_env == defaults.task_env);
  CHECK(loaded->max_system_retries == defaults.max_system_retries);
  CHECK(loaded->warm_python == defaults.warm_python);
  CHECK(loaded->task_plugins == defaults.task_plugins);
}

}  // namespace
}  // namespace flyte
