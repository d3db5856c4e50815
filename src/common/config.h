// The sandbox configuration: compiled-in defaults, overlaid by one YAML file, then by flags.
// `config/sandbox.yaml` documents every key this file accepts.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace flyte {

struct Config {
  // server
  std::string bind_address = "127.0.0.1";
  int port = 30080;
  // Host and port clients use to reach us (signed URLs, client config); empty = localhost:<port>.
  std::string public_address;
  int64_t max_request_bytes = int64_t{512} << 20;
  std::chrono::seconds shutdown_grace{10};

  // state
  std::filesystem::path state_dir;      // default ~/.flyte/sandbox
  std::filesystem::path client_config;  // default ~/.flyte/config-sandbox.yaml

  // admin
  std::vector<std::string> seed_projects{"flytesnacks"};
  std::vector<std::string> domains{"development", "staging", "production"};

  // storage
  std::chrono::seconds signed_url_ttl{3600};

  // tasks (local processes)
  std::vector<std::string> task_path;           // prepended to PATH: where pyflyte-execute lives
  std::map<std::string, std::string> task_env;  // extra environment of every task
  int max_system_retries = 3;
  int warm_python = 1;  // Python interpreters started ahead for flytekit tasks
  // Which plugin runs each task type (plugins/registry.h PluginsConfig); "default": the others.
  std::map<std::string, std::string> task_plugins{{"default", "local"}};

  // Host:port clients should dial, e.g. "localhost:30080".
  std::string ClientAddress() const;
};

// Defaults with paths resolved against $HOME.
Config DefaultConfig();

// Parses YAML text over `base`. Unknown keys and bad values are INVALID_ARGUMENT naming
// `source:line: key`.
StatusOr<Config> ParseConfig(std::string_view yaml, std::string_view source, Config base);

// Reads and parses a config file over the defaults.
StatusOr<Config> LoadConfigFile(const std::filesystem::path& file);

// "30s", "15m", "1h", "2h30m" → seconds.
StatusOr<std::chrono::seconds> ParseDuration(std::string_view text);

// Expands a leading "~/" against $HOME.
std::filesystem::path ExpandHome(const std::filesystem::path& path);

}  // namespace flyte
