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
  config.tasks.warm_python_idle = std::chrono::seconds(90);
  const plugins::LocalProcessConfig local = LocalProcessConfigFor(config);
  CHECK(local.path_prefix == "/opt/venv/bin:/usr/local/bin");
  CHECK(local.env.at("A") == "b");
  CHECK(local.warm_python == 2);
  CHECK(local.warm_python_idle == std::chrono::seconds(90));
  CHECK(local.files_dir == "/var/flyte/plugins/local");
  CHECK(LocalProcessConfigFor(SandboxConfig()).path_prefix.empty());
}

TEST_CASE("layer configs: the engine logs into the state folder and links logs at the client address") {
  SandboxConfig config;
  config.state.dir = "/var/flyte";
  config.tasks.max_system_retries = 7;
  config.raw_data_prefix = "s3://my-s3-bucket/data";
  const engine::EngineConfig engine = EngineConfigFor(config, "localhost:31000");
  CHECK(engine.logs_dir == "/var/flyte/logs");
  CHECK(engine.logs_base_url == "http://localhost:31000/logs");
  CHECK(engine.max_system_failures == 7);
  CHECK(engine.raw_data_prefix == "s3://my-s3-bucket/data");
  CHECK(engine.buckets_dir == "/var/flyte/blobs");
  config.server.s3.enabled = false;
  CHECK(EngineConfigFor(config, "localhost:31000").buckets_dir.empty());
}

TEST_CASE("layer configs: tasks reach the S3 endpoint with FLYTE_AWS_*; containers by the network that reaches it") {
  SandboxConfig config;
  config.state.dir = "/var/flyte";
  config.server.s3.port = 31002;
  config.server.s3.access_key_id = "key";
  config.server.s3.secret_access_key = "secret";
  const std::map<std::string, std::string> local = LocalProcessConfigFor(config).env;
  CHECK(local.at("FLYTE_AWS_ENDPOINT") == "http://127.0.0.1:31002");
  CHECK(local.at("FLYTE_AWS_ACCESS_KEY_ID") == "key");
  CHECK(local.at("FLYTE_AWS_SECRET_ACCESS_KEY") == "secret");
  config.tasks.env = {{"FLYTE_AWS_ENDPOINT", "http://elsewhere:9000"}};  // the config's own wins
  CHECK(LocalProcessConfigFor(config).env.at("FLYTE_AWS_ENDPOINT") == "http://elsewhere:9000");

  // Bound to loopback, raw data local: containers keep their own network and get no endpoint
  // they could not reach.
  plugins::ContainerConfig container = PluginConfigsFor(config, std::nullopt).container;
  CHECK(container.network_mode.empty());
  CHECK(container.env.empty());
  // Raw data under s3://: a container on the engine's network could not reach the port.
  config.raw_data_prefix = "s3://my-s3-bucket/data";
  container = PluginConfigsFor(config, std::nullopt).container;
  CHECK(container.network_mode == "host");
  CHECK(container.env.at("FLYTE_AWS_ENDPOINT") == "http://127.0.0.1:31002");
  config.server.bind_address = "0.0.0.0";
  container = PluginConfigsFor(config, std::nullopt).container;
  CHECK(container.network_mode.empty());
  CHECK(container.env.at("FLYTE_AWS_ENDPOINT") == "http://host.containers.internal:31002");

  config.server.s3.enabled = false;
  CHECK_FALSE(LocalProcessConfigFor(config).env.contains("FLYTE_AWS_SECRET_ACCESS_KEY"));
  CHECK(PluginConfigsFor(config, std::nullopt).container.env.empty());
}

TEST_CASE("layer configs: auth is required beyond loopback, and refused without credentials there") {
  SandboxConfig config;
  config.server.bind_address = "127.0.0.1";
  auto open = AuthConfigFor(config);
  REQUIRE(open.ok());
  CHECK_FALSE(open->required);
  config.server.bind_address = "::1";
  CHECK_FALSE(AuthConfigFor(config)->required);

  for (const char* exposed : {"0.0.0.0", "192.0.2.2", "::"}) {
    config.server.bind_address = exposed;
    auto refused = AuthConfigFor(config);
    REQUIRE_FALSE(refused.ok());
    CHECK(absl::IsFailedPrecondition(refused.status()));
    CHECK(std::string(refused.status().message()).find(exposed) != std::string::npos);
  }
  config.auth.static_tokens = {"t"};
  CHECK(AuthConfigFor(config)->required);
  config.auth.static_tokens.clear();
  config.auth.client_id = "ci";
  config.auth.client_secret = "s";
  CHECK(AuthConfigFor(config)->required);

  config.auth_mode = AuthMode::kOff;
  CHECK_FALSE(AuthConfigFor(config)->required);
  config.server.bind_address = "127.0.0.1";
  config.auth_mode = AuthMode::kOn;
  CHECK(AuthConfigFor(config)->required);
  config.auth = {};
  CHECK(absl::IsFailedPrecondition(AuthConfigFor(config).status()));
}

}  // namespace
}  // namespace flyte::app
