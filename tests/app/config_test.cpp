#include "app/config.h"

#include <doctest/doctest.h>

#include <fstream>

#include "fakes/temp_dir.h"

namespace flyte::app {
namespace {

TEST_CASE("config: defaults are compiled in") {
  SandboxConfig config = DefaultConfig();
  CHECK(config.server.port == 30080);
  CHECK(config.server.bind_address == "127.0.0.1");
  CHECK(config.admin.seed_projects == std::vector<std::string>{"flytesnacks"});
  CHECK(config.admin.domains.size() == 3);
  CHECK(config.server.ClientAddress() == "localhost:30080");
}

TEST_CASE("config: the file overrides the defaults") {
  auto config = ParseConfig(
      "server:\n  port: 31000\n  bind: 0.0.0.0\n  allowed_hosts: [box.lan, \"[fd00::1]\"]\nstate:\n  dir: "
      "/tmp/x\nadmin:\n  domains: [dev, prod]\n"
      "storage:\n  signed_url_ttl: 1h30m\n  raw_data_prefix: s3://my-s3-bucket/data\ntasks:\n  path: [/opt/venv/bin]\n "
      " env: {A: b}\n  warm_python: 0\n  "
      "warm_python_idle: 5m\n"
      "log:\n  level: debug\n  format: json\n",
      "sandbox.yaml", DefaultConfig());
  REQUIRE(config.ok());
  CHECK(config->server.port == 31000);
  CHECK(config->server.bind_address == "0.0.0.0");
  CHECK(config->server.allowed_hosts == std::vector<std::string>{"box.lan", "[fd00::1]"});
  CHECK(config->state.dir == "/tmp/x");
  CHECK(config->admin.domains == std::vector<std::string>{"dev", "prod"});
  CHECK(config->admin.signed_url_ttl == std::chrono::seconds(5400));
  CHECK(config->raw_data_prefix == "s3://my-s3-bucket/data");
  CHECK(RawDataBucket(config->raw_data_prefix) == "my-s3-bucket");
  CHECK(DefaultConfig().raw_data_prefix.empty());
  CHECK(config->tasks.path == std::vector<std::string>{"/opt/venv/bin"});
  CHECK(config->tasks.env.at("A") == "b");
  CHECK(config->tasks.warm_python == 0);
  CHECK(config->tasks.warm_python_idle == std::chrono::minutes(5));
  CHECK(config->logging.level == log::Level::kDebug);
  CHECK(config->logging.format == log::Format::kJson);
}

TEST_CASE("config: console.dir serves the console from a folder; empty means the compiled-in one") {
  CHECK(DefaultConfig().server.console_dir.empty());
  auto config = ParseConfig("console:\n  dir: /srv/console\n", "sandbox.yaml", DefaultConfig());
  REQUIRE(config.ok());
  CHECK(config->server.console_dir == "/srv/console");
  config = ParseConfig("console:\n  dir: \"\"\n", "sandbox.yaml", DefaultConfig());
  REQUIRE(config.ok());
  CHECK(config->server.console_dir.empty());
  CHECK_FALSE(ParseConfig("console:\n  folder: x\n", "sandbox.yaml", DefaultConfig()).ok());
}

TEST_CASE("config: tasks.plugins overrides the default plugin entry by entry") {
  CHECK(DefaultConfig().tasks.plugins.plugin_for == std::map<std::string, std::string>{{"default", "local"}});
  auto config = ParseConfig("tasks:\n  plugins: {raw-container: container}\n", "sandbox.yaml", DefaultConfig());
  REQUIRE(config.ok());
  CHECK(config->tasks.plugins.plugin_for ==
        std::map<std::string, std::string>{{"default", "local"}, {"raw-container", "container"}});
  config = ParseConfig("tasks:\n  plugins: {default: \"\"}\n", "sandbox.yaml", DefaultConfig());
  REQUIRE(config.ok());
  CHECK(config->tasks.plugins.plugin_for.at("default").empty());
  config = ParseConfig("tasks:\n  plugins: [local]\n", "sandbox.yaml", DefaultConfig());
  REQUIRE_FALSE(config.ok());
  CHECK(std::string(config.status().message()).find("sandbox.yaml:2: tasks.plugins: expected a mapping") !=
        std::string::npos);
}

TEST_CASE("config: connection and gRPC limits") {
  auto config = ParseConfig(
      "server:\n  max_connections: 50\n  idle_timeout: 3s\n  header_timeout: 4s\n  grpc:\n    max_concurrent_streams: "
      "10\n"
      "    max_message_mb: 8\n    memory_mb: 128\n    max_threads: 16\n    max_connection_idle: 1m\n"
      "    max_stream_resets: 20\n    stream_reset_window: 5s\n    send_timeout: 2s\n    max_calls_in_flight: 32\n",
      "sandbox.yaml", DefaultConfig());
  REQUIRE(config.ok());
  CHECK(config->server.max_connections == 50);
  CHECK(config->server.idle_timeout == std::chrono::seconds(3));
  CHECK(config->server.header_timeout == std::chrono::seconds(4));
  CHECK(config->server.grpc.max_concurrent_streams == 10);
  CHECK(config->server.grpc.max_message_bytes == int64_t{8} << 20);
  CHECK(config->server.grpc.memory_bytes == int64_t{128} << 20);
  CHECK(config->server.grpc.max_threads == 16);
  CHECK(config->server.grpc.max_connection_idle == std::chrono::seconds(60));
  CHECK(config->server.grpc.max_stream_resets == 20);
  CHECK(config->server.grpc.stream_reset_window == std::chrono::seconds(5));
  CHECK(config->server.grpc.send_timeout == std::chrono::seconds(2));
  CHECK(config->server.grpc.max_calls_in_flight == 32);
}

TEST_CASE("config: unknown keys and bad values name the key and the line") {
  struct Case {
    const char* yaml;
    const char* expected;
  };
  const Case cases[] = {
      {"server:\n  prot: 1\n", "sandbox.yaml:2: server.prot: unknown key"},
      {"serve:\n  port: 1\n", "sandbox.yaml:1: serve: unknown key"},
      {"server:\n  port: http\n", "sandbox.yaml:2: server.port: expected an integer"},
      {"server:\n  port: 70000\n", "sandbox.yaml:2: server.port: must be between 0 and 65535"},
      {"storage:\n  signed_url_ttl: soon\n", "sandbox.yaml:2: storage.signed_url_ttl: bad duration"},
      {"storage:\n  raw_data_prefix: /tmp/raw\n",
       "sandbox.yaml:2: storage.raw_data_prefix: expected s3://<bucket>[/<path>] with a bucket name S3 takes"},
      {"storage:\n  raw_data_prefix: s3://My_Bucket/x\n",
       "sandbox.yaml:2: storage.raw_data_prefix: expected s3://<bucket>[/<path>] with a bucket name S3 takes"},
      {"admin:\n  domains: []\n", "sandbox.yaml:2: admin.domains: must not be empty"},
      {"tasks:\n  warm_python: -1\n", "sandbox.yaml:2: tasks.warm_python: must be between 0 and 16"},
      {"server: [1, 2]\n", "sandbox.yaml:1: server: expected a mapping"},
      {"server:\n  idle_timeout: 0s\n", "sandbox.yaml:2: server.idle_timeout: must be at least 1s"},
      {"server:\n  grpc:\n    max_message_mb: 4096\n",
       "sandbox.yaml:3: server.grpc.max_message_mb: must be between 1 and 2047"},
      {"server:\n  grpc:\n    threads: 1\n", "sandbox.yaml:3: server.grpc.threads: unknown key"},
      {"server:\n  port: [1\n", "sandbox.yaml:"},
      {"log:\n  level: verbose\n", "sandbox.yaml:2: log.level: expected debug, info, warn or error"},
      {"log:\n  format: yaml\n", "sandbox.yaml:2: log.format: expected text or json"},
      {"auth:\n  mode: maybe\n", "sandbox.yaml:2: auth.mode: expected auto, on or off"},
      {"tasks:\n  resources:\n    defaults:\n      memory: 64MB\n",
       "sandbox.yaml:4: tasks.resources.defaults.memory: \"64MB\" is not a quantity"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.yaml);
    auto config = ParseConfig(c.yaml, "sandbox.yaml", DefaultConfig());
    REQUIRE_FALSE(config.ok());
    CHECK(absl::IsInvalidArgument(config.status()));
    CHECK(std::string(config.status().message()).find(c.expected) != std::string::npos);
  }
}

TEST_CASE("config: tasks.resources are the platform's task resource defaults and ceilings") {
  auto config = ParseConfig("tasks:\n  resources:\n    defaults: {cpu: 500m, memory: 64Mi}\n    limits: {memory: 1G}\n",
                            "sandbox.yaml", DefaultConfig());
  REQUIRE(config.ok());
  CHECK(config->admin.task_resources.defaults().cpu() == "500m");
  CHECK(config->admin.task_resources.defaults().memory() == "64Mi");
  CHECK(config->admin.task_resources.defaults().gpu().empty());
  CHECK(config->admin.task_resources.limits().memory() == "1G");
}

TEST_CASE("config: durations") {
  CHECK(*ParseDuration("45s") == std::chrono::seconds(45));
  CHECK(*ParseDuration("2h30m") == std::chrono::seconds(9000));
  CHECK(*ParseDuration("1d") == std::chrono::seconds(86400));
  CHECK_FALSE(ParseDuration("").ok());
  CHECK_FALSE(ParseDuration("10").ok());
  CHECK_FALSE(ParseDuration("5x").ok());
}

TEST_CASE("config: the auth section, with secrets read from files and never echoed") {
  testing::TempDir dir;
  const auto secret_file = dir.path() / "secret";
  const auto tokens_file = dir.path() / "tokens";
  std::ofstream(secret_file) << "  very-secret \n";
  std::ofstream(tokens_file) << "t1\n\n  t2\n";
  auto config = ParseConfig("auth:\n  mode: on\n  client_id: ci\n  client_secret_file: " + secret_file.string() +
                                "\n  static_tokens: [t0]\n  static_tokens_file: " + tokens_file.string() +
                                "\n  token_ttl: 15m\n  anonymous_metrics: true\n",
                            "sandbox.yaml", DefaultConfig());
  REQUIRE(config.ok());
  CHECK(config->auth_mode == AuthMode::kOn);
  CHECK(config->auth.client_id == "ci");
  CHECK(config->auth.client_secret == "very-secret");
  CHECK(config->auth.static_tokens == std::vector<std::string>{"t0", "t1", "t2"});
  CHECK(config->auth.token_ttl == std::chrono::minutes(15));
  CHECK(config->auth.anonymous_metrics);
  CHECK(DefaultConfig().auth_mode == AuthMode::kAuto);
  CHECK_FALSE(DefaultConfig().auth.anonymous_metrics);

  auto not_a_bool = ParseConfig("auth:\n  anonymous_metrics: yes please\n", "sandbox.yaml", DefaultConfig());
  CHECK(std::string(not_a_bool.status().message()).find("sandbox.yaml:2: auth.anonymous_metrics") != std::string::npos);

  auto bad_mode = ParseConfig("auth:\n  mode: maybe\n", "sandbox.yaml", DefaultConfig());
  CHECK(std::string(bad_mode.status().message()).find("sandbox.yaml:2: auth.mode") != std::string::npos);
  auto missing = ParseConfig("auth:\n  client_secret_file: /nonexistent/secret\n", "sandbox.yaml", DefaultConfig());
  CHECK(std::string(missing.status().message()).find("cannot read /nonexistent/secret") != std::string::npos);
  std::ofstream(secret_file) << "two\nlines\n";
  auto two_lines =
      ParseConfig("auth:\n  client_secret_file: " + secret_file.string() + "\n", "sandbox.yaml", DefaultConfig());
  REQUIRE_FALSE(two_lines.ok());
  CHECK(std::string(two_lines.status().message()).find("lines") == std::string::npos);  // the content stays out
}

TEST_CASE("config: tasks.kubernetes, and what it refuses") {
  auto config = ParseConfig(
      "tasks:\n  plugins: {python-task: kubernetes}\n  kubernetes:\n    kubeconfig: /k/config\n    context: c\n"
      "    namespace: flyte\n    s3_endpoint: http://10.0.0.2:30002\n    image_pull_policy: Never\n"
      "    keep_failed_pods: true\n    image_pull_backoff_grace: 30s\n    max_log_streams: 5\n"
      "    writes_per_second: 50\n"
      "    interruptible_tolerations: [{key: spot, operator: Exists, effect: NoSchedule, tolerationSeconds: 30},"
      " {key: v, value: '1'}]\n"
      "    interruptible_node_selector: {pool: spot}\n",
      "sandbox.yaml", DefaultConfig());
  REQUIRE_MESSAGE(config.ok(), config.status());
  const KubernetesTasksConfig& kube = config->tasks.kubernetes;
  CHECK(kube.kubeconfig == "/k/config");
  CHECK(kube.context == "c");
  CHECK(kube.namespace_ == "flyte");
  CHECK(kube.s3_endpoint == "http://10.0.0.2:30002");
  CHECK(kube.image_pull_policy == "Never");
  CHECK(kube.keep_failed_pods);
  CHECK(kube.image_pull_backoff_grace == std::chrono::seconds(30));
  CHECK(kube.max_log_streams == 5);
  CHECK(kube.writes_per_second == 50);
  CHECK(kube.interruptible_node_selector == std::map<std::string, std::string>{{"pool", "spot"}});
  REQUIRE(kube.interruptible_tolerations.values_size() == 2);
  const auto& spot = kube.interruptible_tolerations.values(0).struct_value().fields();
  CHECK(spot.at("key").string_value() == "spot");
  CHECK(spot.at("effect").string_value() == "NoSchedule");
  CHECK(spot.at("tolerationSeconds").number_value() == 30);
  CHECK(kube.interruptible_tolerations.values(1).struct_value().fields().at("value").string_value() == "1");
  CHECK_FALSE(
      ParseConfig("tasks:\n  kubernetes:\n    interruptible_tolerations: [spot]\n", "sandbox.yaml", DefaultConfig())
          .ok());
  auto bad = ParseConfig("tasks:\n  kubernetes:\n    image_pull_policy: Sometimes\n", "sandbox.yaml", DefaultConfig());
  REQUIRE_FALSE(bad.ok());
  CHECK(std::string(bad.status().message()).find("tasks.kubernetes.image_pull_policy") != std::string::npos);
  CHECK_FALSE(ParseConfig("tasks:\n  kubernetes:\n    cluster: x\n", "sandbox.yaml", DefaultConfig()).ok());
}

}  // namespace
}  // namespace flyte::app
