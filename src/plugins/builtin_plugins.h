// The plugins built into the sandbox, listed in one explicit function (as DuckDB and Envoy link
// their extensions): a new plugin is a folder under plugins/ and one registration here.
#pragma once

#include "plugins/container/container_plugin.h"
#include "plugins/kubernetes/kubernetes_plugin.h"
#include "plugins/local/local_process_plugin.h"
#include "plugins/registry.h"

namespace flyte::plugins {

// Each built-in plugin's own settings.
struct BuiltinPluginsConfig {
  LocalProcessConfig local;
  ContainerConfig container;
  KubernetesConfig kubernetes;
  KubernetesConnection cluster;  // the cluster found at start-up (none: its attempts fail to start, saying why)
};

// "local": every task type, as a local process (a task without a container fails to start).
// "container": every task type, as a container of the task's image (container/README.md).
// "kubernetes": every task type, as a Kubernetes Pod (kubernetes/README.md).
PluginRegistry BuiltinPlugins(const BuiltinPluginsConfig& config);

}  // namespace flyte::plugins
