#include "app/layer_configs.h"

#include <algorithm>
#include <map>
#include <string>

#include "plugins/container/container_plugin.h"

namespace flyte::app {
namespace {

namespace fs = std::filesystem;

// flytekit's ContainerTask.
constexpr std::string_view kRawContainerTaskType = "raw-container";

bool IsBeneath(const fs::path& path, const fs::path& folder) {
  auto [end, _] = std::mismatch(folder.begin(), folder.end(), path.begin(), path.end());
  return end == folder.end();
}

// What flytekit (s3fs) reads s3:// data with, the variables the demo's tasks get too; empty when
// the S3 endpoint is off.
std::map<std::string, std::string> S3Environment(const server::ServerConfig& server, const std::string& endpoint) {
  if (!server.s3.enabled) return {};
  return {{"FLYTE_AWS_ENDPOINT", endpoint},
          {"FLYTE_AWS_ACCESS_KEY_ID", server.s3.access_key_id},
          {"FLYTE_AWS_SECRET_ACCESS_KEY", server.s3.secret_access_key}};
}

// What every container of the sandbox is labelled with (plugins/container: `.state`).
std::string ContainerStateLabel(const SandboxConfig& config) { return fs::absolute(config.state.dir).string(); }

}  // namespace

std::string LocalS3Endpoint(const server::ServerConfig& server) {
  std::string host = server.ClientAddress();
  host.erase(host.rfind(':'));
  if (host == "localhost") host = "127.0.0.1";  // the address bound, without trying ::1 first
  return "http://" + host + ":" + std::to_string(server.s3.port);
}

plugins::LocalProcessConfig LocalProcessConfigFor(const SandboxConfig& config) {
  const TasksConfig& tasks = config.tasks;
  plugins::LocalProcessConfig local;
  local.files_dir = config.state.dir / "plugins" / "local";
  for (const auto& folder : tasks.path) local.path_prefix += (local.path_prefix.empty() ? "" : ":") + folder;
  local.env = S3Environment(config.server, LocalS3Endpoint(config.server));
  for (const auto& [name, value] : tasks.env) local.env[name] = value;
  local.warm_python = tasks.warm_python;
  local.warm_python_idle = tasks.warm_python_idle;
  const fs::path& state = config.state.dir;
  local.confinement = {state, {state / "blobs", state / "logs", local.files_dir}};
  // Confined tasks cannot create entries in the folders above the state folder. When that is the
  // temporary folder (a state folder under /tmp), their temporary files go to one of their own.
  std::error_code temp_error;
  std::error_code state_error;
  const fs::path temp = fs::weakly_canonical(fs::temp_directory_path(temp_error), temp_error);
  const fs::path canonical_state = fs::weakly_canonical(fs::absolute(state, state_error), state_error);
  if (!temp_error && !state_error && !temp.empty() && !local.env.contains("TMPDIR") &&
      IsBeneath(canonical_state, temp)) {
    local.confinement.task_dirs.push_back(state / "tmp");
    local.env["TMPDIR"] = (state / "tmp").string();
  }
  return local;
}

StatusOr<plugins::FoundEngine> FindContainerEngine(const SandboxConfig& config) {
  // Long enough for a busy engine, short enough not to hold the start-up for long.
  constexpr std::chrono::milliseconds kEngineAnswerTimeout{2000};
  return plugins::FindEngine(plugins::SocketSearchFromEnvironment(config.tasks.containers.socket),
                             kEngineAnswerTimeout);
}

StatusOr<int> RemoveTaskContainers(const SandboxConfig& config) {
  const StatusOr<plugins::FoundEngine> engine = FindContainerEngine(config);
  if (absl::IsNotFound(engine.status())) return 0;
  RETURN_IF_ERROR(engine.status());
  return plugins::RemoveSandboxContainers(plugins::DockerClient(engine->socket), ContainerStateLabel(config));
}

plugins::KubernetesConfig KubernetesConfigFor(const SandboxConfig& config) {
  const KubernetesTasksConfig& tasks = config.tasks.kubernetes;
  plugins::KubernetesConfig kubernetes;
  kubernetes.kubeconfig = tasks.kubeconfig;
  kubernetes.context = tasks.context;
  kubernetes.pod.namespace_ = tasks.namespace_;
  kubernetes.pod.env =
      S3Environment(config.server, tasks.s3_endpoint.empty() ? LocalS3Endpoint(config.server) : tasks.s3_endpoint);
  for (const auto& [name, value] : config.tasks.env) kubernetes.pod.env[name] = value;
  kubernetes.pod.image_pull_policy = tasks.image_pull_policy;
  kubernetes.pod.api_address = tasks.api_address;
  kubernetes.pod.interruptible_tolerations = tasks.interruptible_tolerations;
  kubernetes.pod.interruptible_node_selector = tasks.interruptible_node_selector;
  kubernetes.phases.image_pull_backoff_grace = tasks.image_pull_backoff_grace;
  kubernetes.phases.pending_timeout = tasks.pod_pending_timeout;
  kubernetes.default_pod_template = tasks.default_pod_template;
  kubernetes.keep_failed_pods = tasks.keep_failed_pods;
  kubernetes.max_log_streams = tasks.max_log_streams;
  kubernetes.writes_per_second = tasks.writes_per_second;
  kubernetes.state_dir = config.state.dir.string();
  return kubernetes;
}

std::set<std::string> PodTaskTypes(const SandboxConfig& config) {
  std::set<std::string> types;
  for (const auto& [task_type, plugin] : config.tasks.plugins.plugin_for) {
    if (plugin == "kubernetes") types.insert(task_type);
  }
  return types;
}

bool UsesKubernetes(const SandboxConfig& config) { return !PodTaskTypes(config).empty(); }

namespace {

// What a kubeconfig is looked up with.
std::map<std::string, std::string> KubeEnvironment() {
  std::map<std::string, std::string> environment;
  for (const char* name : {"KUBECONFIG", "HOME", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"}) {
    if (const char* value = std::getenv(name)) environment[name] = value;
  }
  return environment;
}

}  // namespace

plugins::KubernetesConnection FindKubernetes(const SandboxConfig& config, plugins::KubernetesConfig& kubernetes) {
  if (!UsesKubernetes(config)) return {nullptr, "not used (no task type is sent to it in tasks.plugins)"};
  return plugins::ConnectKubernetes(kubernetes, KubeEnvironment(), std::chrono::seconds(5));
}

StatusOr<int> RemoveTaskPods(const SandboxConfig& config) {
  if (!UsesKubernetes(config)) return 0;
  return plugins::DeleteSandboxPods(KubernetesConfigFor(config), KubeEnvironment());
}

plugins::BuiltinPluginsConfig PluginConfigsFor(const SandboxConfig& config,
                                               const std::optional<plugins::FoundEngine>& engine,
                                               plugins::KubernetesConfig kubernetes,
                                               plugins::KubernetesConnection cluster) {
  plugins::ContainerConfig container;
  if (engine) {
    container.socket = engine->socket;
    container.engine = engine->info.name + " " + engine->info.version;
  }
  container.shared_dirs = {fs::absolute(config.state.dir / "blobs")};
  container.state_dir = ContainerStateLabel(config);
  container.stop_grace = config.tasks.containers.stop_grace;
  // A container on the engine's own network cannot reach a port bound to this machine's
  // loopback. Bound beyond loopback, the engine's name for this machine leads to the endpoint.
  // Bound to loopback, containers share the machine's network (as local processes do) only when
  // raw data lives under s3:// and they must reach it; otherwise they keep their own network,
  // read and write the store through its mounted folder, and get no endpoint they cannot reach.
  if (!config.server.BindsLoopback()) {
    container.env =
        S3Environment(config.server, "http://host.containers.internal:" + std::to_string(config.server.s3.port));
  } else if (!config.raw_data_prefix.empty()) {
    container.network_mode = "host";
    container.env = S3Environment(config.server, LocalS3Endpoint(config.server));
  }
  // A task that calls the sandbox's API (Flyte 2's parents enqueue their children) must reach it
  // whatever the raw data: bound to loopback, only the machine's network leads there.
  if (config.server.BindsLoopback()) {
    container.api_network_mode = "host";
    container.api_address = config.server.ClientAddress();
  } else {
    container.api_network_mode = container.network_mode;
    container.api_address = "host.containers.internal:" + std::to_string(config.server.port);
  }
  return {LocalProcessConfigFor(config), std::move(container), std::move(kubernetes), std::move(cluster)};
}

plugins::PluginsConfig PluginRoutesFor(const SandboxConfig& config, bool engine_found) {
  plugins::PluginsConfig routes = config.tasks.plugins;
  if (engine_found) routes.plugin_for.emplace(std::string(kRawContainerTaskType), "container");
  return routes;
}

engine::EngineConfig EngineConfigFor(const SandboxConfig& config, const std::string& client_address) {
  engine::EngineConfig engine;
  engine.logs_dir = config.state.dir / "logs";
  engine.logs_base_url = "http://" + client_address + "/logs";
  engine.max_system_failures = config.tasks.max_system_retries;
  engine.raw_data_prefix = config.raw_data_prefix;
  if (config.server.s3.enabled) engine.buckets_dir = fs::absolute(config.state.dir / "blobs");
  return engine;
}

StatusOr<auth::AuthConfig> AuthConfigFor(const SandboxConfig& config) {
  auth::AuthConfig auth = config.auth;
  const std::string& bind = config.server.bind_address;
  auth.required =
      config.auth_mode == AuthMode::kOn || (config.auth_mode == AuthMode::kAuto && !config.server.BindsLoopback());
  const bool has_client = !auth.client_id.empty() && !auth.client_secret.empty();
  if (auth.required && !has_client && auth.static_tokens.empty()) {
    const std::string why = config.auth_mode == AuthMode::kOn
                                ? "auth.mode is on"
                                : "server.bind is " + bind + ", reachable beyond this machine";
    return absl::FailedPreconditionError(
        "refusing to start without authentication: " + why +
        ". Configure auth.client_id with auth.client_secret (or auth.client_secret_file) and/or auth.static_tokens "
        "(or auth.static_tokens_file); see \"Exposing the sandbox\" in README.md. auth.mode: off serves without "
        "authentication");
  }
  return auth;
}

}  // namespace flyte::app
