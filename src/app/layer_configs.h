// The typed configs of the layers whose structs live with their own code (engine, local process
// plugin, auth), built from the sandbox's configuration.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "app/config.h"
#include "auth/auth_config.h"
#include "engine/engine.h"
#include "plugins/builtin_plugins.h"
#include "plugins/container/engine_socket.h"
#include "plugins/local/local_process_plugin.h"

namespace flyte::app {

// The S3 endpoint as a process on this machine dials it: the host clients use, on the S3 port
// ("http://127.0.0.1:30002").
std::string LocalS3Endpoint(const server::ServerConfig& server);

// Tasks run as local processes with the configured PATH and environment (and the S3 endpoint's
// FLYTE_AWS_* variables when it is on); the plugin keeps its
// files in <state>/plugins/local.
plugins::LocalProcessConfig LocalProcessConfigFor(const SandboxConfig& config);

// The container engine tasks.containers names, else the one DOCKER_HOST or the usual sockets lead
// to; NOT_FOUND (saying where it looked) when none answers.
StatusOr<plugins::FoundEngine> FindContainerEngine(const SandboxConfig& config);

// Removes every task container of the sandbox (by its state folder's label), for teardown; how
// many (0 when no engine is found: there can be none to remove).
StatusOr<int> RemoveTaskContainers(const SandboxConfig& config);

// The pod plugin's settings: tasks.kubernetes, pods reaching the S3 endpoint at
// tasks.kubernetes.s3_endpoint (else as this machine does) with its keys, the sandbox's id for its
// pods kept in the state folder.
plugins::KubernetesConfig KubernetesConfigFor(const SandboxConfig& config);

// The task types tasks.plugins sends to the pod plugin.
std::set<std::string> PodTaskTypes(const SandboxConfig& config);
// Whether it sends any (only then is a cluster looked for).
bool UsesKubernetes(const SandboxConfig& config);

// The cluster the kubeconfig leads to (its version asked within 5 s), with the namespace and id
// the plugin's settings then hold; none, saying why, when tasks.plugins does not use it or it
// cannot be reached.
plugins::KubernetesConnection FindKubernetes(const SandboxConfig& config, plugins::KubernetesConfig& kubernetes);

// Deletes every pod of the sandbox on its cluster (by its id label), for teardown; how many (0 when
// tasks.plugins sends nothing to Kubernetes or the sandbox never made a pod).
StatusOr<int> RemoveTaskPods(const SandboxConfig& config);

// Each plugin's settings: containers mount the blob store, and run on `engine` (none: every
// container task fails to start, saying so); pods run on `cluster`.
plugins::BuiltinPluginsConfig PluginConfigsFor(const SandboxConfig& config,
                                               const std::optional<plugins::FoundEngine>& engine,
                                               plugins::KubernetesConfig kubernetes = {},
                                               plugins::KubernetesConnection cluster = {});

// tasks.plugins, with raw containers (task type raw-container: their image is the point) in
// containers when an engine was found and the config does not say otherwise.
plugins::PluginsConfig PluginRoutesFor(const SandboxConfig& config, bool engine_found);

// Attempt logs go to <state>/logs, linked as http://<client_address>/logs/...
engine::EngineConfig EngineConfigFor(const SandboxConfig& config, const std::string& client_address);

// Auth is required when auth.mode is on, or auto and server.bind is not a loopback address.
// FAILED_PRECONDITION when it is required but no credential is configured: an exposed sandbox
// never starts open by accident.
StatusOr<auth::AuthConfig> AuthConfigFor(const SandboxConfig& config);

}  // namespace flyte::app
