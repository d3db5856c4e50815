// The sandbox's configuration: compiled-in defaults, overlaid by one YAML file, then by flags.
// The one place that knows the file's layout; each layer gets its own typed part of it.
// `config/sandbox.yaml` documents every key the file accepts.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/struct.pb.h>

#include "admin/admin_config.h"
#include "auth/auth_config.h"
#include "common/log.h"
#include "common/status.h"
#include "plugins/registry.h"
#include "scheduler/scheduler_config.h"
#include "server/server_config.h"

namespace flyte::app {

// The state folder and the files the sandbox writes.
struct StateConfig {
  std::filesystem::path dir;            // default ~/.flyte/sandbox
  std::filesystem::path client_config;  // default ~/.flyte/config-sandbox.yaml
};

// `tasks.containers`: the container engine the container plugin uses.
struct ContainersConfig {
  std::string socket;                  // unix socket path or unix:// URL; empty: DOCKER_HOST, else the usual places
  std::chrono::seconds stop_grace{5};  // terminate: SIGTERM, then SIGKILL this much later
};

// `tasks.kubernetes`: the cluster the pod plugin runs tasks on (plugins/kubernetes).
struct KubernetesTasksConfig {
  std::string kubeconfig;         // a file; empty: $KUBECONFIG, ~/.kube/config, in-cluster
  std::string context;            // empty: the kubeconfig's current context
  std::string namespace_;         // empty: the context's namespace
  std::string s3_endpoint;        // the S3 endpoint as pods reach it; empty: as this machine reaches it
  std::string api_address;        // the sandbox's API (host:port) as pods reach it; empty: as this machine does
  std::string image_pull_policy;  // empty: Kubernetes' default
  bool keep_failed_pods = false;
  google::protobuf::ListValue interruptible_tolerations;  // for interruptible attempts' pods
  std::map<std::string, std::string> interruptible_node_selector;
  std::chrono::seconds image_pull_backoff_grace{180};
  std::chrono::seconds pod_pending_timeout{0};  // 0: pods may stay pending forever
  std::string default_pod_template;             // the PodTemplate of tasks that name none
  int max_log_streams = 100;
  double writes_per_second = 20;
};

// How tasks run: app/ turns this into the engine's and the plugins' configs.
struct TasksConfig {
  std::vector<std::string> path;           // prepended to PATH: where pyflyte-execute lives
  std::vector<std::string> flyte2_path;    // prepended to Flyte 2 tasks' PATH: where the flyte SDK's `a0` lives
  std::map<std::string, std::string> env;  // extra environment of every task
  int max_system_retries = 3;
  int warm_python = 2;  // zygotes (Python fork servers) for flytekit tasks, one per task environment
  std::chrono::seconds warm_python_idle{3600};  // a zygote given no task this long exits
  plugins::PluginsConfig plugins;               // which plugin runs each task type
  ContainersConfig containers;                  // `tasks.containers`
  KubernetesTasksConfig kubernetes;             // `tasks.kubernetes`
};

// `auth.mode`: auto requires authentication exactly when server.bind is beyond loopback.
enum class AuthMode { kAuto, kOn, kOff };

struct SandboxConfig {
  server::ServerConfig server;                    // YAML section `server`
  StateConfig state;                              // `state`
  admin::AdminConfig admin;                       // `admin`, and `storage.signed_url_ttl`
  TasksConfig tasks;                              // `tasks`
  std::string raw_data_prefix;                    // `storage.raw_data_prefix`: "s3://bucket[/path]" or empty
  AuthMode auth_mode = AuthMode::kAuto;           // `auth.mode`
  auth::AuthConfig auth;                          // `auth`; `required` is decided by AuthConfigFor
  std::filesystem::path auth_client_secret_file;  // `auth.client_secret_file`, for the client config
  scheduler::SchedulerConfig scheduler;           // `scheduler`
  log::LogConfig logging;                         // `log`
};

// Defaults with paths resolved against $HOME.
SandboxConfig DefaultConfig();

// Parses YAML text over `base`. Unknown keys and bad values are INVALID_ARGUMENT naming
// `source:line: key`.
StatusOr<SandboxConfig> ParseConfig(std::string_view yaml, std::string_view source, SandboxConfig base);

// Reads and parses a config file over the defaults.
StatusOr<SandboxConfig> LoadConfigFile(const std::filesystem::path& file);

// The bucket of "s3://bucket[/path]"; empty for anything else.
std::string RawDataBucket(std::string_view prefix);

// "30s", "15m", "1h", "2h30m" → seconds.
StatusOr<std::chrono::seconds> ParseDuration(std::string_view text);

// Expands a leading "~/" against $HOME.
std::filesystem::path ExpandHome(const std::filesystem::path& path);

}  // namespace flyte::app
