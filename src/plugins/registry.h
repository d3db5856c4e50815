// The plugin registry: the plugin kinds the sandbox has, the task types each can run and how to
// make one, and the config saying which plugin serves which task type. Built-in plugins register
// in one explicit function (builtin_plugins.h), never through static initialisers.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "plugins/plugin.h"

namespace flyte::plugins {

using PluginFactory = std::function<std::unique_ptr<Plugin>(ChangeCallback on_change)>;

// In PluginKind::task_types: the plugin runs any task type it is given.
inline constexpr std::string_view kAnyTaskType = "*";

struct PluginKind {
  std::string name;                     // "local"; later "container", "kubernetes"
  std::vector<std::string> task_types;  // "python-task", "raw-container"...; or kAnyTaskType
  PluginFactory make;

  bool Runs(std::string_view task_type) const;
};

// Config `tasks.plugins`: task type → plugin name. The entry kDefaultPlugin serves the task types
// not listed; without it (or with an empty name) they fail.
inline constexpr std::string_view kDefaultPlugin = "default";
struct PluginsConfig {
  std::map<std::string, std::string> plugin_for{{std::string(kDefaultPlugin), "local"}};
};

class PluginRegistry {
 public:
  // ALREADY_EXISTS when a plugin of that name is registered already.
  Status Register(PluginKind kind);
  // Null when there is none.
  const PluginKind* Find(std::string_view name) const;
  // "local (any task type), container (container, raw-container)": for error messages.
  std::string Describe() const;

 private:
  std::vector<PluginKind> kinds_;  // in registration order
};

}  // namespace flyte::plugins
