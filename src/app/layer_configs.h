// The typed configs of the layers whose structs live with their own code (engine, local process
// plugin, auth), built from the sandbox's configuration.
#pragma once

#include <string>

#include "app/config.h"
#include "auth/auth_config.h"
#include "engine/engine.h"
#include "plugins/local/local_process_plugin.h"

namespace flyte::app {

// Tasks run as local processes with the configured PATH and environment; the plugin keeps its
// files in <state>/plugins/local.
plugins::LocalProcessConfig LocalProcessConfigFor(const SandboxConfig& config);

// Attempt logs go to <state>/logs, linked as http://<client_address>/logs/...
engine::EngineConfig EngineConfigFor(const SandboxConfig& config, const std::string& client_address);

// Auth is required when auth.mode is on, or auto and server.bind is not a loopback address.
// FAILED_PRECONDITION when it is required but no credential is configured: an exposed sandbox
// never starts open by accident.
StatusOr<auth::AuthConfig> AuthConfigFor(const SandboxConfig& config);

}  // namespace flyte::app
