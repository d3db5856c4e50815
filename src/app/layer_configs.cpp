#include "app/layer_configs.h"

namespace flyte::app {

plugins::LocalProcessConfig LocalProcessConfigFor(const SandboxConfig& config) {
  const TasksConfig& tasks = config.tasks;
  plugins::LocalProcessConfig local;
  local.files_dir = config.state.dir / "plugins" / "local";
  for (const auto& folder : tasks.path) local.path_prefix += (local.path_prefix.empty() ? "" : ":") + folder;
  local.env = tasks.env;
  local.warm_python = tasks.warm_python;
  return local;
}

engine::EngineConfig EngineConfigFor(const SandboxConfig& config, const std::string& client_address) {
  engine::EngineConfig engine;
  engine.logs_dir = config.state.dir / "logs";
  engine.logs_base_url = "http://" + client_address + "/logs";
  engine.max_system_failures = config.tasks.max_system_retries;
  return engine;
}

}  // namespace flyte::app
