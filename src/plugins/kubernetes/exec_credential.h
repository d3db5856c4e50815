// Credentials for the API server: what the kubeconfig's user gives (kubeconfig.h), and what an exec
// credential plugin prints (client-go's client.authentication.k8s.io ExecCredential, v1 or v1beta1;
// README.md §8.3). KubeCredentials hands out the current ones to every request and makes new ones
// when they expire or the server answers 401.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include "common/status.h"
#include "plugins/kubernetes/kubeconfig.h"

namespace flyte::plugins {

struct Credential {
  std::string token;                                   // Authorization: Bearer; empty: none
  std::string client_certificate_pem, client_key_pem;  // presented in the TLS handshake; empty: none
  std::optional<std::chrono::system_clock::time_point> expiry;
  friend bool operator==(const Credential&, const Credential&) = default;
};

// KUBERNETES_EXEC_INFO for the plugin: its apiVersion, kind ExecCredential, spec.interactive false,
// and spec.cluster when it asks for the cluster's details.
std::string ExecInfo(const ExecPlugin& plugin, const KubeCluster& cluster);

// The plugin's output: an ExecCredential of the same apiVersion with status.token, or
// status.clientCertificateData + clientKeyData (PEM text), and maybe status.expirationTimestamp.
StatusOr<Credential> ParseExecCredential(std::string_view json, const std::string& api_version);

// Runs the plugin (no stdin, its stderr the sandbox's log) and parses what it prints. UNAVAILABLE
// when it cannot start (with its install hint), fails, or has not finished within `timeout`.
StatusOr<Credential> RunExecPlugin(const ExecPlugin& plugin, const KubeCluster& cluster,
                                   std::chrono::milliseconds timeout);

// The credentials every request carries, for any number of threads.
class KubeCredentials {
 public:
  explicit KubeCredentials(KubeConfig config);
  // The token file is read again after a minute, an exec plugin run again once its credential
  // has expired (or when none was made yet).
  StatusOr<Credential> Current();
  // The server answered 401 to a request made with `used`: the next Current() makes new ones
  // (once, however many requests failed with the same credential).
  void Rejected(const Credential& used);
  const KubeConfig& config() const { return config_; }

 private:
  const KubeConfig config_;
  absl::Mutex mu_;
  std::optional<Credential> current_ ABSL_GUARDED_BY(mu_);
  std::chrono::steady_clock::time_point token_read_ ABSL_GUARDED_BY(mu_);
};

}  // namespace flyte::plugins
