#include "app/layer_configs.h"

#include <doctest/doctest.h>

namespace flyte::app {
namespace {

TEST_CASE("layer configs: the tasks section becomes the local process plugin's config") {
  SandboxConfig config;
  config.state.dir = "/var/flyte";
  config.tasks.path = {"/opt/venv/bin", "/usr/local/bin"};
  config.tasks.env = {{"A", "b"}};
  config.tasks.warm_python = 2;
  const plugins::LocalProcessConfig local = LocalProcessConfigFor(config);
  CHECK(local.path_prefix == "/opt/venv/bin:/usr/local/bin");
  CHECK(local.env == config.tasks.env);
  CHECK(local.warm_python == 2);
  CHECK(local.files_dir == "/var/flyte/plugins/local");
  CHECK(LocalProcessConfigFor(SandboxConfig()).path_prefix.empty());
}

TEST_CASE("layer configs: the engine logs into the state folder and links logs at the client address") {
  SandboxConfig config;
  config.state.dir = "/var/flyte";
  config.tasks.max_system_retries = 7;
  const engine::EngineConfig engine = EngineConfigFor(config, "localhost:31000");
  CHECK(engine.logs_dir == "/var/flyte/logs");
  CHECK(engine.logs_base_url == "http://localhost:31000/logs");
  CHECK(engine.max_system_failures == 7);
}

}  // namespace
}  // namespace flyte::app
