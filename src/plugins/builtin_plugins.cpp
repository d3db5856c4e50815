#include "plugins/builtin_plugins.h"

#include <utility>

namespace flyte::plugins {

PluginRegistry BuiltinPlugins(const BuiltinPluginsConfig& config) {
  PluginRegistry registry;
  (void)registry.Register({"local", {std::string(kAnyTaskType)}, [local = config.local](ChangeCallback on_change) {
                             return MakeLocalProcessPlugin(local, std::move(on_change));
                           }});
  (void)registry.Register(
      {"container", {std::string(kAnyTaskType)}, [container = config.container](ChangeCallback on_change) {
         return MakeContainerPlugin(container, std::move(on_change));
       }});
  (void)registry.Register({"kubernetes",
                           {std::string(kAnyTaskType)},
                           [kubernetes = config.kubernetes, cluster = config.cluster](ChangeCallback on_change) {
                             return MakeKubernetesPlugin(kubernetes, cluster.api, cluster.description,
                                                         std::move(on_change));
                           }});
  return registry;
}

}  // namespace flyte::plugins
