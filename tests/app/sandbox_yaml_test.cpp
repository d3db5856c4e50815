// config/sandbox.yaml documents every key with its default: it must parse to the defaults.
#include <doctest/doctest.h>

#include "app/config.h"

#ifndef FLYTE_SOURCE_DIR
#error "FLYTE_SOURCE_DIR must point at the repository"
#endif

namespace flyte::app {
namespace {

TEST_CASE("config/sandbox.yaml parses and matches the compiled-in defaults") {
  auto loaded = LoadConfigFile(std::string(FLYTE_SOURCE_DIR) + "/config/sandbox.yaml");
  REQUIRE(loaded.ok());
  const SandboxConfig defaults = DefaultConfig();
  CHECK(loaded->server.bind_address == defaults.server.bind_address);
  CHECK(loaded->server.port == defaults.server.port);
  CHECK(loaded->server.public_address == defaults.server.public_address);
  CHECK(loaded->server.max_request_bytes == defaults.server.max_request_bytes);
  CHECK(loaded->server.max_api_request_bytes == defaults.server.max_api_request_bytes);
  CHECK(loaded->server.max_buffered_request_bytes == defaults.server.max_buffered_request_bytes);
  CHECK(loaded->server.shutdown_grace == defaults.server.shutdown_grace);
  CHECK(loaded->server.max_connections == defaults.server.max_connections);
  CHECK(loaded->server.idle_timeout == defaults.server.idle_timeout);
  CHECK(loaded->server.header_timeout == defaults.server.header_timeout);
  CHECK(loaded->server.grpc.max_concurrent_streams == defaults.server.grpc.max_concurrent_streams);
  CHECK(loaded->server.grpc.max_message_bytes == defaults.server.grpc.max_message_bytes);
  CHECK(loaded->server.grpc.memory_bytes == defaults.server.grpc.memory_bytes);
  CHECK(loaded->server.grpc.max_threads == defaults.server.grpc.max_threads);
  CHECK(loaded->server.grpc.max_connection_idle == defaults.server.grpc.max_connection_idle);
  CHECK(loaded->server.grpc.max_stream_resets == defaults.server.grpc.max_stream_resets);
  CHECK(loaded->server.grpc.stream_reset_window == defaults.server.grpc.stream_reset_window);
  CHECK(loaded->server.grpc.send_timeout == defaults.server.grpc.send_timeout);
  CHECK(loaded->server.grpc.max_calls_in_flight == defaults.server.grpc.max_calls_in_flight);
  CHECK(loaded->server.allowed_hosts == defaults.server.allowed_hosts);
  CHECK(loaded->server.console_dir == defaults.server.console_dir);
  CHECK(loaded->server.s3.enabled == defaults.server.s3.enabled);
  CHECK(loaded->server.s3.port == defaults.server.s3.port);
  CHECK(loaded->server.s3.access_key_id == defaults.server.s3.access_key_id);
  CHECK(loaded->server.s3.secret_access_key == defaults.server.s3.secret_access_key);
  CHECK(loaded->state.dir == defaults.state.dir);
  CHECK(loaded->state.client_config == defaults.state.client_config);
  CHECK(loaded->admin.seed_projects == defaults.admin.seed_projects);
  CHECK(loaded->admin.task_resources.defaults().SerializeAsString() ==
        defaults.admin.task_resources.defaults().SerializeAsString());
  CHECK(loaded->admin.task_resources.limits().SerializeAsString() ==
        defaults.admin.task_resources.limits().SerializeAsString());
  CHECK(loaded->admin.domains == defaults.admin.domains);
  CHECK(loaded->admin.signed_url_ttl == defaults.admin.signed_url_ttl);
  CHECK(loaded->tasks.path == defaults.tasks.path);
  CHECK(loaded->tasks.env == defaults.tasks.env);
  CHECK(loaded->tasks.max_system_retries == defaults.tasks.max_system_retries);
  CHECK(loaded->tasks.warm_python == defaults.tasks.warm_python);
  CHECK(loaded->tasks.warm_python_idle == defaults.tasks.warm_python_idle);
  CHECK(loaded->tasks.plugins.plugin_for == defaults.tasks.plugins.plugin_for);
  const KubernetesTasksConfig& kube = loaded->tasks.kubernetes;
  CHECK(kube.kubeconfig == defaults.tasks.kubernetes.kubeconfig);
  CHECK(kube.context == defaults.tasks.kubernetes.context);
  CHECK(kube.namespace_ == defaults.tasks.kubernetes.namespace_);
  CHECK(kube.s3_endpoint == defaults.tasks.kubernetes.s3_endpoint);
  CHECK(kube.image_pull_policy == defaults.tasks.kubernetes.image_pull_policy);
  CHECK(kube.keep_failed_pods == defaults.tasks.kubernetes.keep_failed_pods);
  CHECK(kube.interruptible_tolerations.values_size() == 0);
  CHECK(kube.interruptible_node_selector == defaults.tasks.kubernetes.interruptible_node_selector);
  CHECK(kube.image_pull_backoff_grace == defaults.tasks.kubernetes.image_pull_backoff_grace);
  CHECK(kube.max_log_streams == defaults.tasks.kubernetes.max_log_streams);
  CHECK(kube.writes_per_second == defaults.tasks.kubernetes.writes_per_second);
  CHECK(loaded->auth_mode == defaults.auth_mode);
  CHECK(loaded->auth.client_id == defaults.auth.client_id);
  CHECK(loaded->auth.client_secret == defaults.auth.client_secret);
  CHECK(loaded->auth.static_tokens == defaults.auth.static_tokens);
  CHECK(loaded->auth.token_ttl == defaults.auth.token_ttl);
  CHECK(loaded->logging.level == defaults.logging.level);
  CHECK(loaded->logging.format == defaults.logging.format);
  CHECK(loaded->auth.anonymous_metrics == defaults.auth.anonymous_metrics);
}

}  // namespace
}  // namespace flyte::app
