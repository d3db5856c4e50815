// The one Plugin the engine uses: it hands each attempt to the plugin configured for its task
// type, and fails the attempts of task types no plugin runs with a message naming the type and
// the plugins available.
#pragma once

#include "common/status.h"
#include "plugins/registry.h"

namespace flyte::plugins {

// Checks `config` against `registry` (fail fast at start-up: every plugin it names exists and runs
// the task types it is given) and returns the factory of the routing plugin. That plugin makes
// the configured plugins (each once, with the engine's change callback) and routes:
//  - Start and Recover by `attempt.task.type()`: the plugin listed for it, else the default;
//  - Check, Abort and Finalize to the plugin that started (or recovered running) the attempt.
// A task type no plugin serves is not a Start error: Check reports kFailedToStart with the reason,
// as for any task that cannot start, and the change callback says so. Recover: kNeverStarted.
StatusOr<PluginFactory> RoutingPluginFactory(const PluginRegistry& registry, const PluginsConfig& config);

}  // namespace flyte::plugins
