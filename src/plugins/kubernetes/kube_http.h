// A blocking client of the Kubernetes API server (plugins/http_client.h over TCP, with TLS for
// https://): the kubeconfig's server and trust (its CA, or the system's roots, or no check when it
// says insecure-skip-tls-verify; the name checked is tls-server-name or the server's host), and
// its credentials on every request (a client certificate in the handshake, a bearer token in the
// header). A 401 makes new credentials (exec plugin, token file) and tries once more. One
// connection per request: calls are few (a pod's create and delete; one watch, one log stream per
// followed pod) and each may block for long.
#pragma once

#include <memory>
#include <string>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include "common/status.h"
#include "plugins/http_client.h"
#include "plugins/kubernetes/exec_credential.h"
#include "plugins/kubernetes/kubeconfig.h"

namespace flyte::plugins {

// Where a server URL points: "https://h:6443/prefix" -> {true, "h", "6443", "/prefix"}.
struct ServerAddress {
  bool tls = true;
  std::string host;  // without the brackets of an IPv6 address
  std::string port;
  std::string path_prefix;  // prepended to every request's target; "" or "/..." without a trailing /
};
StatusOr<ServerAddress> ParseServerAddress(const std::string& server);

class KubeHttp {
 public:
  // INVALID_ARGUMENT when the server URL or a certificate, key or CA cannot be used.
  static StatusOr<std::unique_ptr<KubeHttp>> Make(const KubeConfig& config);

  // UNAVAILABLE when the server cannot be reached, the TLS handshake fails (saying why: an unknown
  // CA, a name mismatch) or the exchange breaks; CANCELLED once cancelled. Any HTTP status is a
  // response. With a `sink`, a 2xx body goes to it piece by piece.
  StatusOr<HttpResponse> Call(const HttpRequest& request, const HttpOptions& options = {},
                              const BodySink& sink = nullptr);

  const std::string& server() const { return server_; }

 private:
  struct Tls;  // the TLS context of one client certificate (OpenSSL's, through Boost.Asio)
  KubeHttp(const KubeConfig& config, ServerAddress address);
  StatusOr<std::shared_ptr<Tls>> TlsFor(const Credential& credential);
  StatusOr<HttpResponse> Once(const HttpRequest& request, const Credential& credential, const HttpOptions& options,
                              const BodySink& sink);

  const std::string server_;
  const ServerAddress address_;
  const KubeCluster cluster_;
  KubeCredentials credentials_;
  absl::Mutex mu_;
  std::shared_ptr<Tls> tls_ ABSL_GUARDED_BY(mu_);  // for the client certificate in tls_->certificate
};

}  // namespace flyte::plugins
