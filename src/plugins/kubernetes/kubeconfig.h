// Which Kubernetes API server the pod plugin speaks to, and as whom: a kubeconfig read as client-go
// reads it (README.md §8): `$KUBECONFIG` (a `:` list, merged: the first file to set a name or
// `current-context` wins) or `~/.kube/config`, else the in-cluster service account; one context
// (the current one unless named); its cluster's server and TLS trust; its user's credentials
// (client certificate, bearer token or token file, exec credential plugin). Paths in a file are
// relative to that file's folder.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace flyte::plugins {

struct KubeCluster {
  std::string server;  // "https://host:port" with an optional path prefix
  std::string ca_pem;  // certificate-authority(-data); empty: the system's trusted roots
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;  // SNI and the name checked in the server's certificate; empty: the server's host
};

// `user.exec`: a program that prints an ExecCredential (exec_credential.h).
struct ExecPlugin {
  std::string command;  // looked up on PATH unless it holds a `/` (then relative to the kubeconfig's folder)
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;  // added to the sandbox's own
  std::string api_version;                               // client.authentication.k8s.io/v1 or /v1beta1
  std::string install_hint;                              // shown when the command cannot start
  bool provide_cluster_info = false;                     // KUBERNETES_EXEC_INFO carries the cluster
};

struct KubeUser {
  std::string client_certificate_pem, client_key_pem;  // both or neither
  std::string token;                                   // Authorization: Bearer
  std::filesystem::path token_file;                    // read again every minute; `token` first when both
  std::optional<ExecPlugin> exec;
};

struct KubeConfig {
  std::string context;     // the context's name ("" for in-cluster)
  std::string namespace_;  // the context's, else "default"
  KubeCluster cluster;
  KubeUser user;
  std::string source;  // where it was read, for messages ("/root/.kube/config", "in-cluster")
};

// One kubeconfig file's text and where it came from (relative paths in it are relative to its folder).
struct KubeConfigFile {
  std::filesystem::path path;
  std::string text;
};

// The merged files' context `context` (empty: their `current-context`). INVALID_ARGUMENT naming
// the file and field when one is malformed, a context, cluster or user is missing, a client
// certificate has no key, a CA is given with insecure-skip-tls-verify, or more than one way to
// authenticate is given where client-go refuses it. Files named by a path are read here.
StatusOr<KubeConfig> ParseKubeConfig(const std::vector<KubeConfigFile>& files, const std::string& context);

// Where the sandbox finds its kubeconfig: `explicit_path` (tasks.kubernetes.kubeconfig) if set,
// else the files of `$KUBECONFIG`, else `~/.kube/config`, else (no such file) in-cluster from the
// service account's files, else NOT_FOUND saying where it looked.
StatusOr<KubeConfig> LoadKubeConfig(const std::string& explicit_path, const std::string& context,
                                    const std::map<std::string, std::string>& environment);

}  // namespace flyte::plugins
